package dev.ida4j.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.backend.CheckedBackend;
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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CUDA backend on its own device memory (what the mirrored contract suite cannot see): arenas, copies, host
 * access refused, out of memory, index checks, the deterministic sum of squares, and whole training steps of the
 * tiny GPT against the CPU backend in fp32 and TF32. Tagged {@code gpu}: skipped, with the reason, without a device.
 */
@Tag("gpu")
class CudaBackendTest {

    @BeforeAll
    static void requireDevice() {
        String reason = CudaBackend.unavailableReason();
        assumeTrue(reason == null, () -> "no CUDA device: " + reason);
    }

    private static Backend cuda(boolean tf32) {
        return new CheckedBackend(CudaBackend.open(0, tf32));
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
        try (Backend backend = cuda(false); TensorArena arena = backend.arena("t"); Arena host = Arena.ofConfined()) {
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
        try (Backend backend = cuda(false); TensorArena arena = backend.arena("dev");
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
        try (Backend backend = cuda(false); TensorArena arena = backend.arena("huge"); Arena host = Arena.ofConfined()) {
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
        try (Backend backend = cuda(false); TensorArena arena = backend.arena("emb"); Arena host = Arena.ofConfined()) {
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
        try (Backend backend = cuda(false); TensorArena arena = backend.arena("x"); Arena host = Arena.ofConfined()) {
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
    @ValueSource(booleans = {false, true})
    void shouldTrainTheTinyGptLikeTheCpuBackend(boolean tf32) {
        GptConfig cfg = new GptConfig(97, 24, 64, 2, 4);
        int batch = 3;
        float[] cpuLosses = losses(Backends.cpu(2), cfg, batch);
        float[] cudaLosses = losses(cuda(tf32), cfg, batch);
        // TF32 rounds the products' inputs to 10 mantissa bits: a looser bound, still far below the loss's motion
        double tolerance = tf32 ? 2e-2 : 2e-4;
        for (int i = 0; i < cpuLosses.length; i++) {
            assertThat((double) cudaLosses[i]).as("loss at step %d (tf32 %s)", i, tf32)
                    .isCloseTo(cpuLosses[i], within(tolerance * Math.max(1, Math.abs(cpuLosses[i]))));
        }
        assertThat(cpuLosses[cpuLosses.length - 1]).as("the run learns").isLessThan(cpuLosses[0]);
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
