package dev.ida4j.cli;

import dev.ida4j.cluster.World;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ida4j bench allreduce}: the sum of a float array over the ranks of an MPI job, as the data-parallel loop
 * sums its gradients (host memory, {@code MPI_Allreduce} in place), at several sizes. Rank 0 prints the median time
 * and the bus bandwidth, 2(N-1)/N · bytes / time (NCCL's convention: what each rank's link carries).
 */
@Command(name = "allreduce", mixinStandardHelpOptions = true,
        description = "Measure the gradient sum of a data-parallel job (run it under mpirun or srun).")
final class AllreduceBench implements Runnable {
    @Option(names = "--floats", split = ",", description = "array lengths (default 1000,100000,1000000,10000000,"
            + "40000000: X small's gradients are about 1 M, the paper-size X's 38 M)")
    List<Long> floats = List.of(1_000L, 100_000L, 1_000_000L, 10_000_000L, 40_000_000L);
    @Option(names = "--reps", defaultValue = "20", description = "timed sums per length (default ${DEFAULT-VALUE})")
    int reps;
    @Option(names = "--json", description = "one JSON line per length")
    boolean json;

    @Override
    public void run() {
        if (reps < 1 || floats.stream().anyMatch(n -> n < 1 || n > 1L << 30)) {
            throw new Main.UsageException("--reps must be positive and every --floats length in 1..2^30");
        }
        World world = World.detect();
        if (world.size() == 1) {
            world.close();
            throw new Main.UsageException("bench allreduce measures a job of several processes: start it with"
                    + " mpirun -np N (or srun)");
        }
        for (long n : floats) {
            double[] ms = new double[reps];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment a = arena.allocate(ValueLayout.JAVA_FLOAT, n);
                a.fill((byte) 0);
                for (int i = 0; i < 3; i++) {
                    world.sumFloats(a, n);   // warm-up: connections, pinned buffers
                }
                for (int i = 0; i < reps; i++) {
                    world.barrier();
                    long t0 = System.nanoTime();
                    world.sumFloats(a, n);
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            double[] slowest = ms.clone();   // a sum ends when its slowest rank's does
            for (int i = 0; i < reps; i++) {
                double[] v = new double[world.size()];
                v[world.rank()] = ms[i];
                world.sum(v);
                slowest[i] = Arrays.stream(v).max().orElseThrow();
            }
            Arrays.sort(slowest);
            double med = slowest[reps / 2];
            double busGBs = 2.0 * (world.size() - 1) / world.size() * n * Float.BYTES / (med * 1e6);
            if (world.rank() == 0) {
                if (json) {
                    System.out.println(new JsonLine().put("bench", "allreduce").put("ranks", world.size())
                            .put("floats", n).put("reps", reps).put("ms", med).put("ms_min", slowest[0])
                            .put("bus_gb_s", busGBs));
                } else {
                    System.out.printf(Locale.ROOT, "allreduce of %,d floats over %d ranks: %.3f ms, bus %.2f GB/s%n",
                            n, world.size(), med, busGBs);
                }
            }
        }
        world.close();
    }
}
