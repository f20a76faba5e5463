package dev.ida4j.bench;

import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A check that tolerates a shared, busy machine: after a second of warm-up, ida4j and OpenBLAS take turns in one
 * process, five products each, for a few seconds per shape, so both see the same background load; the table gives
 * the median and 90th percentile of GFLOP/s over all products and their ratios. (JMH measures one benchmark after
 * the other, so when other processes come and go its two scores can come from different conditions.) Run it under
 * the same environment as {@link OpenBlasGemmBench}. Fair with one thread each; with two, each side's idle threads
 * disturb the other's turn (OpenBLAS's keep spinning for a long while after a call, ida4j's for about a millisecond),
 * which costs ida4j far more than OpenBLAS.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp benchmarks.jar
 * dev.ida4j.bench.GemmInterleaved THREADS SECONDS SHAPE...}
 */
public final class GemmInterleaved {
    private GemmInterleaved() {
    }

    public static void main(String[] args) throws Throwable {
        int threads = Integer.parseInt(args[0]);
        double seconds = Double.parseDouble(args[1]);
        OpenBlas.setThreads(threads);
        System.out.println("| shape (MxNxK) | threads | products | ida4j GFLOP/s median | p90 | OpenBLAS GFLOP/s median"
                + " | p90 | ratio of medians | ratio of p90 |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        try (CpuBackend backend = new CpuBackend(threads); TensorArena arena = backend.arena("interleaved");
             Arena peer = Arena.ofConfined()) {
            for (int i = 2; i < args.length; i++) {
                GemmShape s = GemmShape.parse(args[i]);
                Tensor a = GemmBench.fill(arena.allocate("a" + i, DType.F32, s.m() * s.k()), 1);
                Tensor b = GemmBench.fill(arena.allocate("b" + i, DType.F32, s.k() * s.n()), 2);
                Tensor c = arena.allocate("c" + i, DType.F32, s.m() * s.n());
                MemorySegment pc = peer.allocate(4L * s.m() * s.n(), 64);
                int ta = s.transA() ? OpenBlas.TRANS : OpenBlas.NO_TRANS;
                int tb = s.transB() ? OpenBlas.TRANS : OpenBlas.NO_TRANS;
                // warm-up: a second of ida4j calls (C2 must compile the kernels), a few OpenBLAS calls
                for (long w = System.nanoTime() + 1_000_000_000L; System.nanoTime() < w; ) {
                    backend.matmul(c, a, b, s.m(), s.n(), s.k(), s.transA(), s.transB(), false);
                }
                List<Double> ours = new ArrayList<>();
                List<Double> theirs = new ArrayList<>();
                long end = System.nanoTime() + (long) (seconds * 1e9);
                for (int round = 0; round < 5 || System.nanoTime() < end; round++) {
                    for (int r = 0; r < 5; r++) {
                        long t0 = System.nanoTime();
                        backend.matmul(c, a, b, s.m(), s.n(), s.k(), s.transA(), s.transB(), false);
                        long t1 = System.nanoTime();
                        ours.add(s.flops() / (t1 - t0));
                    }
                    for (int r = 0; r < 5; r++) {
                        long t0 = System.nanoTime();
                        OpenBlas.SGEMM.invokeExact(OpenBlas.ROW_MAJOR, ta, tb, s.m(), s.n(), s.k(),
                                1f, a.segment(), s.lda(), b.segment(), s.ldb(), 0f, pc, s.n());
                        long t1 = System.nanoTime();
                        // the first round warms OpenBLAS up (its thread pool, caches)
                        if (round > 0) {
                            theirs.add(s.flops() / (t1 - t0));
                        }
                    }
                }
                double m1 = quantile(ours, 0.5);
                double m2 = quantile(theirs, 0.5);
                double p1 = quantile(ours, 0.9);
                double p2 = quantile(theirs, 0.9);
                System.out.printf(Locale.ROOT, "| %s | %d | %d+%d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f |%n",
                        args[i], threads, ours.size(), theirs.size(), m1, p1, m2, p2, m1 / m2, p1 / p2);
            }
        }
    }

    private static double quantile(List<Double> xs, double q) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) (q * s.size())));
    }
}
