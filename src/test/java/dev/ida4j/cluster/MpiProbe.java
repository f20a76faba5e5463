package dev.ida4j.cluster;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One rank of {@link MpiWorldTest}'s job: every collective with values each rank can check by itself, then one line
 * {@code rank R of N: ok}, or the first mismatch on stderr and exit code 1. With the argument {@code abort R}, rank
 * R aborts the job with code 3 while the others wait at a barrier.
 */
public final class MpiProbe {
    private MpiProbe() {
    }

    public static void main(String[] args) {
        try (World world = World.detect(); Arena arena = Arena.ofConfined()) {
            int n = world.size();
            int r = world.rank();
            if (args.length == 2 && args[0].equals("abort")) {
                if (r == Integer.parseInt(args[1])) {
                    world.abort(3);
                }
                world.barrier();
                System.out.println("rank " + r + " passed a barrier that a rank never reached");
                return;
            }
            long count = 1000;
            MemorySegment floats = arena.allocate(ValueLayout.JAVA_FLOAT, count);
            for (long i = 0; i < count; i++) {
                floats.setAtIndex(ValueLayout.JAVA_FLOAT, i, (r + 1) * (i + 1));  // rank r gives (r + 1)(i + 1)
            }
            world.sumFloats(floats, count);
            float ranks = n * (n + 1) / 2f;
            for (long i = 0; i < count; i++) {
                expect("float " + i, floats.getAtIndex(ValueLayout.JAVA_FLOAT, i), ranks * (i + 1));
            }
            double[] d = {r + 0.5, -r};
            world.sum(d);
            expect("doubles", Arrays.toString(d), Arrays.toString(new double[] {ranks - n / 2.0, n - ranks}));
            long[] l = {1L << 40, r};
            world.sum(l);
            expect("longs", Arrays.toString(l), Arrays.toString(new long[] {n * (1L << 40), (long) n * (n - 1) / 2}));
            int root = n - 1;
            byte[] b = ("from rank " + r).getBytes(StandardCharsets.UTF_8);
            world.broadcast(b, root);
            expect("broadcast", new String(b, StandardCharsets.UTF_8), "from rank " + root);
            byte[][] all = world.allgather("x".repeat(r * 3).getBytes(StandardCharsets.UTF_8));  // lengths differ
            for (int i = 0; i < n; i++) {
                expect("allgather " + i, new String(all[i], StandardCharsets.UTF_8), "x".repeat(i * 3));
            }
            world.barrier();
            System.out.println("rank " + r + " of " + n + ": ok");
        }
    }

    private static void expect(String what, Object got, Object want) {
        if (!got.equals(want)) {
            System.err.println(what + ": got " + got + ", want " + want);
            System.exit(1);
        }
    }
}
