package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Rand;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The CPU embedding kernel across thread counts: the same bits on 1, 2 and 3 threads, no allocation once warm. */
class EmbeddingThreadsTest {

    @Test
    void shouldScatterTheSameBitsOnOneTwoAndThreeThreads() {
        // wide rows so the backward's channel split reaches three threads; few table rows, so ids repeat
        int b = 4;
        int t = 16;
        int c = 1543;
        int v = 20;
        try (TensorArena arena = TensorArena.host("emb")) {
            SplittableRandom r = new SplittableRandom(9);
            Tensor ids = Rand.ints(arena.allocate("ids", DType.I32, b, t), r, v);
            Tensor wte = Rand.normal(arena.allocate("wte", DType.F32, v, c), r, 1);
            Tensor wpe = Rand.normal(arena.allocate("wpe", DType.F32, t, c), r, 1);
            Tensor dout = Rand.normal(arena.allocate("dout", DType.F32, b, t, c), r, 1);
            Tensor out = arena.allocate("out", DType.F32, b, t, c);
            Tensor dwte = arena.allocate("dwte", DType.F32, v, c);
            Tensor dwpe = arena.allocate("dwpe", DType.F32, t, c);
            float[][] first = null;
            for (int threads = 1; threads <= 3; threads++) {
                try (CpuBackend backend = new CpuBackend(threads)) {
                    // start from non-zero gradients: the summation order matters only when there is something there
                    dwte.copyFrom(wte.toFloatArray());
                    dwpe.copyFrom(wpe.toFloatArray());
                    backend.embeddingForward(out, ids, wte, wpe, b, t, c);
                    backend.embeddingBackward(dwte, dwpe, dout, ids, b, t, c);
                    float[][] got = {out.toFloatArray(), dwte.toFloatArray(), dwpe.toFloatArray()};
                    if (first == null) {
                        first = got;
                    }
                    String[] names = {"out", "dwte", "dwpe"};
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
    void shouldAllocateNothingOnceWarm() {
        try (CpuBackend backend = new CpuBackend(2); TensorArena arena = TensorArena.host("emb")) {
            SplittableRandom r = new SplittableRandom(9);
            Tensor ids = Rand.ints(arena.allocate("ids", DType.I32, 4, 16), r, 20);
            Tensor wte = Rand.normal(arena.allocate("wte", DType.F32, 20, 200), r, 1);
            Tensor wpe = Rand.normal(arena.allocate("wpe", DType.F32, 16, 200), r, 1);
            Tensor out = arena.allocate("out", DType.F32, 4, 16, 200);
            Tensor dwte = arena.allocate("dwte", DType.F32, 20, 200);
            Tensor dwpe = arena.allocate("dwpe", DType.F32, 16, 200);
            long bytes = AttentionThreadsTest.allocatedOnceWarm(() -> {
                backend.embeddingForward(out, ids, wte, wpe, 4, 16, 200);
                backend.embeddingForward(out, ids, wte, null, 4, 16, 200);
                backend.embeddingBackward(dwte, dwpe, out, ids, 4, 16, 200);
            });
            assertThat(bytes).as("heap bytes allocated by warm embedding calls").isZero();
        }
    }
}
