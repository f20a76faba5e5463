package dev.ida4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peer of {@link GemmBench}: the same shapes through OpenBLAS's cblas_sgemm (row-major, alpha 1, beta 0). Run
 * it under {@code env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2} (gemm-vs-openblas.sh does):
 * a forced CORETYPE such as Haswell replaces the AVX-512 kernels. The thread count per trial is set with
 * openblas_set_num_threads; the setup prints the core OpenBLAS picked.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class OpenBlasGemmBench {
    @Param({"1024x1024x1024", "2048x768x256:NT", "2048x768x256", "2048x256x768", "768x256x2048:TN",
            "2048x256x1024", "2048x1024x256", "2048x256x256"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private GemmShape s;
    private Arena arena;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;
    private int transA;
    private int transB;

    @Setup(Level.Trial)
    public void setUp() {
        s = GemmShape.parse(shape);
        OpenBlas.setThreads(threads);
        System.out.println("OpenBLAS core " + OpenBlas.corename() + " (" + OpenBlas.config() + "), "
                + OpenBlas.threads() + " threads" + (OpenBlas.avx512() ? "" : " -- NOT the AVX-512 kernels"));
        arena = Arena.ofShared();
        a = fill(arena.allocate(4L * s.m() * s.k(), 64), 1);
        b = fill(arena.allocate(4L * s.k() * s.n(), 64), 2);
        c = arena.allocate(4L * s.m() * s.n(), 64);
        transA = s.transA() ? OpenBlas.TRANS : OpenBlas.NO_TRANS;
        transB = s.transB() ? OpenBlas.TRANS : OpenBlas.NO_TRANS;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void sgemm() throws Throwable {
        OpenBlas.SGEMM.invokeExact(OpenBlas.ROW_MAJOR, transA, transB, s.m(), s.n(), s.k(),
                1f, a, s.lda(), b, s.ldb(), 0f, c, s.n());
    }

    /** The same values as GemmBench.fill for the same seed. */
    private static MemorySegment fill(MemorySegment m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < m.byteSize() / 4; i++) {
            m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (2 * r.nextDouble() - 1));
        }
        return m;
    }
}
