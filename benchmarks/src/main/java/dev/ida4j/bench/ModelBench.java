package dev.ida4j.bench;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.model.gpt.Gpt;
import dev.ida4j.model.gpt.GptConfig;
import dev.ida4j.optim.AdamW;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
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
 * The tiny-gpt workload (B 32, T 64, C 256, L 4, NH 4, V 256) at three grains: causal attention alone, one
 * transformer block, and a whole training step (forward, backward, AdamW). Score: ms per call;
 * {@link ModelTable} adds GFLOP/s from the FLOP counts below.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class ModelBench {
    static final GptConfig CFG = GptConfig.tinyGpt();
    static final int B = 32;
    static final int T = CFG.maxT();

    @Param({"1", "2"})
    public int threads;

    private Backend backend;
    private Gpt model;
    private AdamW opt;
    private TensorArena arena;
    private Tensor q;
    private Tensor k;
    private Tensor v;
    private Tensor att;
    private Tensor out;
    private Tensor dq;
    private Tensor dk;
    private Tensor dv;
    private Tensor dout;

    @Setup(Level.Trial)
    public void setUp() {
        backend = Backends.cpu(threads);
        model = new Gpt(backend, CFG, B, T);
        model.initialize(1);
        opt = new AdamW(backend, model.params(), AdamW.Settings.of(3e-4f, 0.1f));
        SplittableRandom r = new SplittableRandom(7);
        try (Arena host = Arena.ofConfined()) {
            MemorySegment ids = host.allocate((long) B * T * 4);
            MemorySegment next = host.allocate((long) B * T * 4);
            for (int i = 0; i < B * T; i++) {
                ids.setAtIndex(ValueLayout.JAVA_INT, i, r.nextInt(CFG.vocab()));
                next.setAtIndex(ValueLayout.JAVA_INT, i, r.nextInt(CFG.vocab()));
            }
            model.setBatch(ids, next);
        }
        model.forward();
        int c = CFG.channels();
        arena = backend.arena("attention");
        q = GemmBench.fill(arena.allocate("q", DType.F32, B, T, c), 1);
        k = GemmBench.fill(arena.allocate("k", DType.F32, B, T, c), 2);
        v = GemmBench.fill(arena.allocate("v", DType.F32, B, T, c), 3);
        dout = GemmBench.fill(arena.allocate("dout", DType.F32, B, T, c), 4);
        att = arena.allocate("att", DType.F32, B, CFG.heads(), T, T);
        out = arena.allocate("out", DType.F32, B, T, c);
        dq = arena.allocate("dq", DType.F32, B, T, c);
        dk = arena.allocate("dk", DType.F32, B, T, c);
        dv = arena.allocate("dv", DType.F32, B, T, c);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        opt.close();
        model.close();
        backend.close();
    }

    /** Causal self-attention forward and backward. */
    @Benchmark
    public void attention() {
        int nh = CFG.heads();
        int hs = CFG.headSize();
        backend.attentionForward(out, att, q, k, v, null, B, T, T, nh, hs, true);
        backend.attentionBackward(dq, dk, dv, dout, q, k, v, att, B, T, T, nh, hs);
    }

    /** One transformer block, forward then backward (gradients accumulate; their values do not matter here). */
    @Benchmark
    public void layer() {
        model.forwardLayer(0);
        model.backwardLayer(0);
    }

    /** A whole training step: forward, zero gradients, backward, AdamW. */
    @Benchmark
    public float step() {
        return model.trainStep(opt);
    }

    /** Dense FLOPs of one call of each benchmark (the causal mask's skipped half counted, as usual). */
    static double flops(String benchmark) {
        double n = (double) B * T;
        double c = CFG.channels();
        double attentionForward = 4.0 * B * T * T * c; // q·kᵀ and att·v
        return switch (benchmark) {
            case "attention" -> 3 * attentionForward; // backward does twice the forward's products
            case "layer" -> 3 * (24 * n * c * c + attentionForward); // qkv, proj, fc, mlp.proj: 2·n·12·C²
            case "step" -> n * CFG.flopsPerToken();
            default -> throw new IllegalArgumentException("no FLOP count for " + benchmark);
        };
    }
}
