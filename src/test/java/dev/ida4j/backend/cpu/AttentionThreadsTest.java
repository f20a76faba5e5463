package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Rand;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU attention kernel across thread counts: the same bits on 1, 2 and 3 threads (shapes large enough that the
 * work really splits), and no heap allocation once compiled. Also holds the allocation probe the other CPU kernel
 * tests use.
 */
class AttentionThreadsTest {

    @Test
    void shouldGiveTheSameBitsOnOneTwoAndThreeThreads() {
        // causal self-attention (HS not a whole number of vectors), and masked cross-attention with few queries
        assertSameOnAllThreadCounts(3, 40, 40, 3, 24, true, false);
        assertSameOnAllThreadCounts(5, 5, 37, 4, 64, false, true);
    }

    @Test
    void shouldGiveTheSameBitsColdAndWarm() {
        // the first call in a fresh JVM runs interpreted (gradients start from the arena's zeros); the results must
        // not change once C2 has compiled the kernel
        try (CpuBackend backend = new CpuBackend(1); TensorArena arena = TensorArena.host("att")) {
            Case c = new Case(arena, 2, 9, 9, 2, 20, true, true);
            c.run(backend);
            float[][] cold = c.results();
            for (int i = 0; i < 3000; i++) {
                c.run(backend);
            }
            c.clearGradients();
            c.run(backend);
            float[][] warm = c.results();
            for (int i = 0; i < cold.length; i++) {
                assertThat(Arrays.mismatch(cold[i], warm[i]))
                        .as("first element of %s that differs cold and warm", c.results[i].name())
                        .isEqualTo(-1);
            }
        }
    }

    @Test
    void shouldAllocateNothingOnceWarm() {
        try (CpuBackend backend = new CpuBackend(2); TensorArena arena = TensorArena.host("att")) {
            Case self = new Case(arena, 2, 16, 16, 2, 16, true, false);
            Case cross = new Case(arena, 2, 3, 21, 2, 16, false, true);
            long bytes = allocatedOnceWarm(() -> {
                self.run(backend);
                cross.run(backend);
            });
            assertThat(bytes).as("heap bytes allocated by warm attention calls").isZero();
        }
    }

    private static void assertSameOnAllThreadCounts(int b, int tq, int tk, int nh, int hs, boolean causal,
                                                    boolean masked) {
        try (TensorArena arena = TensorArena.host("att")) {
            Case c = new Case(arena, b, tq, tk, nh, hs, causal, masked);
            float[][] first = null;
            for (int threads = 1; threads <= 3; threads++) {
                try (CpuBackend backend = new CpuBackend(threads)) {
                    c.clearGradients();
                    c.run(backend);
                    float[][] got = c.results();
                    if (first == null) {
                        first = got;
                    }
                    for (int i = 0; i < got.length; i++) {
                        assertThat(Arrays.mismatch(got[i], first[i]))
                                .as("first element of %s that differs on %d threads", c.results[i].name(), threads)
                                .isEqualTo(-1);
                    }
                }
            }
        }
    }

    /** One attention forward + backward with seeded inputs. */
    private static final class Case {
        final int b, tq, tk, nh, hs;
        final boolean causal;
        final Tensor q, k, v, mask, att, out, dout, dq, dk, dv;
        final Tensor[] results;

        Case(TensorArena arena, int b, int tq, int tk, int nh, int hs, boolean causal, boolean masked) {
            this.b = b;
            this.tq = tq;
            this.tk = tk;
            this.nh = nh;
            this.hs = hs;
            this.causal = causal;
            int c = nh * hs;
            SplittableRandom r = new SplittableRandom(5);
            q = Rand.normal(arena.allocate("q", DType.F32, b, tq, c), r, 1);
            k = Rand.normal(arena.allocate("k", DType.F32, b, tk, c), r, 1);
            v = Rand.normal(arena.allocate("v", DType.F32, b, tk, c), r, 1);
            dout = Rand.normal(arena.allocate("dout", DType.F32, b, tq, c), r, 1);
            mask = masked ? arena.allocate("mask", DType.F32, b, tk) : null;
            for (int i = 0; masked && i < b * tk; i++) {
                mask.set(i, r.nextInt(4) == 0 ? 0 : 1);
            }
            att = arena.allocate("att", DType.F32, b, nh, tq, tk);
            out = arena.allocate("out", DType.F32, b, tq, c);
            dq = arena.allocate("dq", DType.F32, b, tq, c);
            dk = arena.allocate("dk", DType.F32, b, tk, c);
            dv = arena.allocate("dv", DType.F32, b, tk, c);
            results = new Tensor[] {out, att, dq, dk, dv};
        }

        void run(CpuBackend backend) {
            backend.attentionForward(out, att, q, k, v, mask, b, tq, tk, nh, hs, causal);
            backend.attentionBackward(dq, dk, dv, dout, q, k, v, att, b, tq, tk, nh, hs);
        }

        void clearGradients() {
            for (Tensor t : new Tensor[] {dq, dk, dv}) {
                t.copyFrom(new float[(int) t.numel()]);
            }
        }

        float[][] results() {
            float[][] r = new float[results.length][];
            for (int i = 0; i < r.length; i++) {
                r[i] = results[i].toFloatArray();
            }
            return r;
        }
    }

    /**
     * Heap bytes that 50 runs of {@code step} allocate on this thread and the CPU pool workers, once C2 has compiled
     * the kernels (interpreted Vector API code boxes every vector). Warms up in rounds until a measurement comes out
     * zero, so a late background compilation does not fail the test; a kernel that keeps allocating does.
     */
    static long allocatedOnceWarm(Runnable step) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytes = -1;
        for (int round = 0; round < 5 && bytes != 0; round++) {
            for (int i = 0; i < 3000; i++) {
                step.run();
            }
            long[] ids = poolThreadIds();
            long before = sum(threads.getThreadAllocatedBytes(ids));
            // the probe itself allocates its result array: measure one probe and take it off
            long probed = sum(threads.getThreadAllocatedBytes(ids));
            for (int i = 0; i < 50; i++) {
                step.run();
            }
            bytes = sum(threads.getThreadAllocatedBytes(ids)) - probed - (probed - before);
        }
        return bytes;
    }

    private static long[] poolThreadIds() {
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().threadId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("ida4j-cpu-")) {
                ids.add(t.threadId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long sum(long[] xs) {
        long s = 0;
        for (long x : xs) {
            s += x;
        }
        return s;
    }
}
