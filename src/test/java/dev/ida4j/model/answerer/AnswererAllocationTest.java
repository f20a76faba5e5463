package dev.ida4j.model.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.optim.AdamW;
import dev.ida4j.tensor.TensorArena;
import org.junit.jupiter.api.Test;

/**
 * X allocates all its device memory up front: training steps (dropout on) and encode/answer rounds at an
 * already-seen batch shape allocate no native blocks.
 *
 * <p>Java heap is not asserted here (unlike Gpt's TrainingStepAllocationTest): at these small, odd widths the CPU
 * kernels' Vector API code still boxes after C2 warm-up (GEMM packing's selectFrom, LayerNorm, some pointwise ops;
 * found with JFR allocation samples, 2026-11-27), which is the kernels' matter, not the model's.
 */
class AnswererAllocationTest {

    @Test
    void shouldAllocateNoNativeMemoryAfterSetUp() {
        AnswererConfig cfg = new AnswererConfig(9, 3, 4, 2, 32, 2, 1, 1, 4, 2, 0.1f, false);
        try (Backend backend = Backends.cpu(2);
             Answerer model = new Answerer(backend, cfg, 3, 5, 4);
             AdamW opt = new AdamW(backend, model.params(), AdamW.Settings.of(1e-3f, 0f).withClip(1f))) {
            model.initialize(1);
            ToyBatch batch = ToyBatch.random(cfg, 3, 5, 4, 3);
            batch.load(model);
            int[] out = new int[3 * 4 * cfg.answerLength()];
            model.trainStep(opt);
            model.encode(3, 5, batch.facts());
            model.answer(4, batch.questions(), null, out, null);
            long before = TensorArena.allocationCount();
            for (int i = 0; i < 10; i++) {
                batch.load(model);
                model.trainStep(opt);
                model.encode(3, 5, batch.facts());
                model.answer(4, batch.questions(), null, out, null);
            }
            assertThat(TensorArena.allocationCount() - before).as("native blocks allocated by 10 rounds").isZero();
        }
    }
}
