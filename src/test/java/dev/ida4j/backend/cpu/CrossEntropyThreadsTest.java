package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Rand;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The CPU cross-entropy kernel across thread counts: the same bits on 1, 2 and 3 threads. */
class CrossEntropyThreadsTest {

    @Test
    void shouldGiveTheSameBitsOnOneTwoAndThreeThreads() {
        int n = 61;
        int v = 997;
        try (TensorArena arena = TensorArena.host("ce")) {
            CrossEntropyCase c = CrossEntropyCase.random(arena, n, v, 13);
            Tensor logits = c.logits();
            Tensor targets = c.targets();
            Tensor mask = c.mask();
            Tensor dlosses = c.dlosses();
            Tensor probs = c.probs();
            Tensor losses = c.losses();
            Tensor dlogits = c.dlogits();
            float[][] first = null;
            for (int threads = 1; threads <= 3; threads++) {
                try (CpuBackend backend = new CpuBackend(threads)) {
                    dlogits.copyFrom(logits.toFloatArray());
                    backend.crossEntropyForward(losses, probs, logits, targets, mask, n, v);
                    backend.crossEntropyBackward(dlogits, dlosses, probs, targets, mask, n, v);
                    float[][] got = {losses.toFloatArray(), probs.toFloatArray(), dlogits.toFloatArray()};
                    if (first == null) {
                        first = got;
                    }
                    String[] names = {"losses", "probs", "dlogits"};
                    for (int i = 0; i < got.length; i++) {
                        assertThat(Arrays.mismatch(got[i], first[i]))
                                .as("first element of %s that differs on %d threads", names[i], threads)
                                .isEqualTo(-1);
                    }
                }
            }
        }
    }

    @Test
    void shouldGiveTheSameBitsColdAndWarm() {
        // the first call in a fresh JVM runs interpreted; the results must not change once C2 has compiled the kernel
        int n = 7;
        int v = 83;
        try (CpuBackend backend = new CpuBackend(1); TensorArena arena = TensorArena.host("ce")) {
            SplittableRandom r = new SplittableRandom(17);
            Tensor logits = Rand.normal(arena.allocate("logits", DType.F32, n, v), r, 5);
            Tensor targets = Rand.ints(arena.allocate("targets", DType.I32, n), r, v);
            Tensor probs = arena.allocate("probs", DType.F32, n, v);
            Tensor losses = arena.allocate("losses", DType.F32, n);
            backend.crossEntropyForward(losses, probs, logits, targets, null, n, v);
            float[] coldProbs = probs.toFloatArray();
            float[] coldLosses = losses.toFloatArray();
            for (int i = 0; i < 3000; i++) {
                backend.crossEntropyForward(losses, probs, logits, targets, null, n, v);
            }
            assertThat(Arrays.mismatch(coldProbs, probs.toFloatArray())).as("first probability that differs")
                    .isEqualTo(-1);
            assertThat(Arrays.mismatch(coldLosses, losses.toFloatArray())).as("first loss that differs")
                    .isEqualTo(-1);
        }
    }
}
