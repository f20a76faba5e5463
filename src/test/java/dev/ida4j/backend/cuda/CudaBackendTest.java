package dev.ida4j.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.backend.CheckedBackend;
import dev.ida4j.backend.MatmulPrecision;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CUDA backend on its own device memory (what the mirrored contract suite cannot see): arenas, copies, host
 * access refused, out of memory, index checks, the deterministic sum of squares, and whole training steps of the
 * tiny GPT against the CPU backend at each matrix-product precision, and BF16 products against their emulation.
 * Tagged {@code gpu}: skipped, with the reason, without a device.
 */
@Tag("gpu")
class CudaBackendTest {

    @BeforeAll
    static void requireDevice() {
        String reason = CudaBackend.unavailableReason();
        assumeTrue(reason == null, () -> "no CUDA device: " + reason);
    }

    private static Backend cuda() {
        return cuda(MatmulPrecision.FP32);
    }

    private static Backend cuda(MatmulPrecision precision) {
        return new CheckedBackend(CudaBackend.open(0, precision));
    }

    private static float[] read(Backend backend, Tensor t, Arena host) {
        MemorySegment out = host.allocate(t.numel() * 4, 64);
        backend.copyOut(out, t);
        return out.toArray(ValueLayout.JAVA_FLOAT);
    }

    private static MemorySegment floats(Arena host, float... values) {
        return host.allocateFrom(ValueLayout.JAVA_FLOAT, values);
    }

    @Test
    void shouldRoundTripThroughDeviceMemoryAndFillAView() {
        try (Backend backend = cuda(); TensorArena arena = backend.arena("t"); Arena host = Arena.ofConfined()) {
            assertThat(backend.name()).isEqualTo("cuda:0");
            assertThat(arena.hostAccessible()).isFalse();
            Tensor t = arena.allocate("t", DType.F32, 3, 7);
            assertThat(read(backend, t, host)).as("fresh device memory reads as zeros").containsOnly(0f);
            float[] values = new float[21];
            for (int i = 0; i < 21; i++) {
                values[i] = i * 0.5f;
            }
            backend.copyIn(t, floats(host, values));
            backend.fill(t.view("middle", 5, 11), -2.5f);
            float[] got = read(backend, t, host);
            for (int i = 0; i < 21; i++) {
                assertThat(got[i]).as("element %d", i).isEqualTo(i >= 5 && i < 16 ? -2.5f : i * 0.5f);
            }
            // a Java array (heap memory) goes through a staging copy
            backend.copyIn(t, MemorySegment.ofArray(values));
            float[] back = new float[21];
            backend.copyOut(MemorySegment.ofArray(back), t);
            assertThat(back).containsExactly(values);
        }
    }

    @Test
    void shouldRefuseHostAccessAndHostTensors() {
        try (Backend backend = cuda(); TensorArena arena = backend.arena("dev");
             TensorArena hostArena = TensorArena.host("host")) {
            Tensor t = arena.allocate("weights", DType.F32, 4);
            assertThatThrownBy(() -> t.get(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'weights' lives on cuda:0");
            Tensor h = hostArena.allocate("h", DType.F32, 4);
            assertThatThrownBy(() -> backend.residualForward(t, t, h, 4))
                    .hasMessageContaining("residualForward").hasMessageContaining("lives on cpu");
        }
    }

    @Test
    void shouldNameTheBytesRequestedAndFreeWhenOutOfMemoryAndKeepWorking() {
        try (Backend backend = cuda(); TensorArena arena = backend.arena("huge"); Arena host = Arena.ofConfined()) {
            assertThatThrownBy(() -> arena.allocate("too-big", DType.F32, 1 << 30, 1 << 10))
                    .isInstanceOf(CudaException.class)
                    .hasMessageContaining("out of GPU memory on cuda:0").hasMessageContaining("4398046511104 bytes")
                    .hasMessageContaining("GiB free of")
                    .satisfies(e -> assertThat(((CudaException) e).sticky()).isFalse());
            Tensor small = arena.allocate("small", DType.F32, 2);
            backend.copyIn(small, floats(host, 1, 2));
            assertThat(read(backend, small, host)).containsExactly(1, 2);
        }
    }

    @Test
    void shouldReportAnIdOutsideTheTableFromDeviceMemory() {
        try (Backend backend = cuda(); TensorArena arena = backend.arena("emb"); Arena host = Arena.ofConfined()) {
            Tensor wte = arena.allocate("wte", DType.F32, 5, 3);
            Tensor ids = arena.allocate("ids", DType.I32, 2, 3);
            backend.copyIn(ids, host.allocateFrom(ValueLayout.JAVA_INT, 0, 1, 2, 3, 4, 7));
            Tensor out = arena.allocate("out", DType.F32, 2, 3, 3);
            assertThatThrownBy(() -> backend.embeddingForward(out, ids, wte, null, 2, 3, 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("embeddingForward: ids[1, 2] = 7 is outside the table's rows [0, 5)");
            Tensor targets = arena.allocate("targets", DType.I32, 6);
            backend.copyIn(targets, host.allocateFrom(ValueLayout.JAVA_INT, 0, 1, -3, 1, 9, 0));
            Tensor logits = arena.allocate("logits", DType.F32, 6, 5);
            assertThatThrownBy(() -> backend.crossEntropyForward(arena.allocate("l", DType.F32, 6),
                    arena.allocate("p", DType.F32, 6, 5), logits, targets, null, 6, 5))
                    .hasMessage("crossEntropyForward: targets[2] = -3 is outside the vocabulary [0, 5)");
        }
    }

    @Test
    void shouldSumSquaresInDoubleTheSameEveryTime() {
        try (Backend backend = cuda(); TensorArena arena = backend.arena("x"); Arena host = Arena.ofConfined()) {
            int n = 3_000_017;
            float[] values = new float[n];
            SplittableRandom r = new SplittableRandom(5);
            double expected = 0;
            for (int i = 0; i < n; i++) {
                values[i] = (float) r.nextGaussian();
                expected += (double) values[i] * values[i];
            }
            Tensor x = arena.allocate("x", DType.F32, n);
            backend.copyIn(x, floats(host, values));
            double first = backend.sumSquares(x, n);
            assertThat(first).isCloseTo(expected, within(expected * 1e-12));
            assertThat(backend.sumSquares(x, n)).as("deterministic").isEqualTo(first);
        }
    }

    /** Ten AdamW steps of the tiny GPT from the same weights and batches: CUDA's losses track the CPU backend's. */
    @ParameterizedTest
    @EnumSource(MatmulPrecision.class)
    void shouldTrainTheTinyGptLikeTheCpuBackend(MatmulPrecision precision) {
        GptConfig cfg = new GptConfig(97, 24, 64, 2, 4);
        int batch = 3;
        float[] cpuLosses = losses(Backends.cpu(2), cfg, batch);
        float[] cudaLosses = losses(cuda(precision), cfg, batch);
        // TF32 and BF16 round the products' inputs to 10 and 7 mantissa bits: looser bounds, still far below the
        // loss's motion over the ten steps
        double tolerance = switch (precision) {
            case FP32 -> 2e-4;
            case TF32 -> 2e-2;
            case BF16 -> 1e-1;
        };
        for (int i = 0; i < cpuLosses.length; i++) {
            assertThat((double) cudaLosses[i]).as("loss at step %d (%s)", i, precision)
                    .isCloseTo(cpuLosses[i], within(tolerance * Math.max(1, Math.abs(cpuLosses[i]))));
        }
        assertThat(cpuLosses[cpuLosses.length - 1]).as("the run learns").isLessThan(cpuLosses[0]);
        assertThat(cudaLosses[cudaLosses.length - 1]).as("the run learns (%s)", precision).isLessThan(cudaLosses[0]);
    }

    /**
     * BF16 products are the exact products of the operands rounded to bfloat16 (to nearest, ties to even), summed
     * in fp32: against that emulation the error is fp32 accumulation's, far below the rounding of the inputs,
     * which the exact fp32 product differs by. Plain and transposed operands.
     */
    @Test
    void shouldRoundBf16ProductInputsToBfloat16AndAccumulateInFp32() {
        int m = 67;
        int n = 45;
        int k = 300;
        SplittableRandom r = new SplittableRandom(17);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        try (Backend backend = cuda(MatmulPrecision.BF16); TensorArena arena = backend.arena("bf16");
             Arena host = Arena.ofConfined()) {
            Tensor ta = arena.allocate("a", DType.F32, m, k);
            Tensor taT = arena.allocate("aT", DType.F32, k, m);
            Tensor tb = arena.allocate("b", DType.F32, k, n);
            Tensor c = arena.allocate("c", DType.F32, m, n);
            backend.copyIn(ta, floats(host, a));
            backend.copyIn(taT, floats(host, transpose(a, m, k)));
            backend.copyIn(tb, floats(host, b));
            backend.matmul(c, ta, tb, m, n, k, false, false, false);
            assertBf16Product(read(backend, c, host), a, b, m, n, k, "a·b");
            backend.matmul(c, taT, tb, m, n, k, true, false, false);
            assertBf16Product(read(backend, c, host), a, b, m, n, k, "aTᵀ·b");
        }
    }

    private static void assertBf16Product(float[] got, float[] a, float[] b, int m, int n, int k, String what) {
        double worstEmulated = 0;
        double worstExact = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double emulated = 0;
                double exact = 0;
                double scale = 0;
                for (int p = 0; p < k; p++) {
                    emulated += (double) bf16(a[i * k + p]) * bf16(b[p * n + j]);
                    exact += (double) a[i * k + p] * b[p * n + j];
                    scale += Math.abs((double) a[i * k + p] * b[p * n + j]);
                }
                worstEmulated = Math.max(worstEmulated, Math.abs(got[i * n + j] - emulated) / scale);
                worstExact = Math.max(worstExact, Math.abs(got[i * n + j] - exact) / scale);
            }
        }
        // bfloat16 rounding moves each input by up to 2⁻⁹ relative: the exact product is off by about 1e-3 of
        // Σ|a·b| at worst; fp32 accumulation of 300 terms by about 1e-6
        assertThat(worstEmulated).as("%s: worst error against bf16-rounded inputs, relative to Σ|a·b|", what)
                .isLessThan(1e-5);
        assertThat(worstExact).as("%s: worst error against the exact fp32 product (bf16 really used)", what)
                .isGreaterThan(1e-4);
    }

    /** x rounded to the nearest bfloat16 (ties to even), as a float. */
    private static float bf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    private static float[] losses(Backend backend, GptConfig cfg, int batch) {
        float[] losses = new float[10];
        try (backend; Gpt model = new Gpt(backend, cfg, batch, cfg.maxT()); Arena host = Arena.ofConfined();
             AdamW opt = new AdamW(backend, model.params(), AdamW.Settings.of(3e-3f, 0.01f))) {
            model.initialize(11);
            SplittableRandom r = new SplittableRandom(3);
            int n = batch * cfg.maxT();
            MemorySegment tokens = host.allocate(ValueLayout.JAVA_INT, n);
            MemorySegment targets = host.allocate(ValueLayout.JAVA_INT, n);
            for (int step = 0; step < losses.length; step++) {
                for (int i = 0; i < n; i++) {
                    // a learnable rule: the next token is the current one plus one
                    int tok = r.nextInt(cfg.vocab());
                    tokens.setAtIndex(ValueLayout.JAVA_INT, i, tok);
                    targets.setAtIndex(ValueLayout.JAVA_INT, i, (tok + 1) % cfg.vocab());
                }
                model.setBatch(tokens, targets);
                losses[step] = model.trainStep(opt);
            }
        }
        return losses;
    }
}
