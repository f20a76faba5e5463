package dev.ida4j.bench;

import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
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
 * ida4j's CPU SGEMM (CpuBackend.matmul) on the model's shapes, 1 and 2 threads; {@link OpenBlasGemmBench} runs the
 * same shapes through OpenBLAS. Score: ms per product; {@link GemmTable} turns scores into GFLOP/s and ratios.
 *
 * <p>Shapes (M x N x K): 1024³; 2048x768x256 (an MLP/qkv linear forward, NT as linearForward runs it, and NN);
 * the backward products 2048x256x768 (dinp), 768x256x2048:TN (dweight = doutᵀ·inp), and the MLP's
 * 2048x256x1024, 2048x1024x256, 2048x256x256.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class GemmBench {
    @Param({"1024x1024x1024", "2048x768x256:NT", "2048x768x256", "2048x256x768", "768x256x2048:TN",
            "2048x256x1024", "2048x1024x256", "2048x256x256"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private GemmShape s;
    private CpuBackend backend;
    private TensorArena arena;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup(Level.Trial)
    public void setUp() {
        s = GemmShape.parse(shape);
        backend = new CpuBackend(threads);
        arena = backend.arena("bench");
        a = fill(arena.allocate("a", DType.F32, s.m() * s.k()), 1);
        b = fill(arena.allocate("b", DType.F32, s.k() * s.n()), 2);
        c = arena.allocate("c", DType.F32, s.m() * s.n());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        backend.close();
    }

    @Benchmark
    public void matmul() {
        backend.matmul(c, a, b, s.m(), s.n(), s.k(), s.transA(), s.transB(), false);
    }

    static Tensor fill(Tensor t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < t.numel(); i++) {
            t.set(i, (float) (2 * r.nextDouble() - 1));
        }
        return t;
    }
}
