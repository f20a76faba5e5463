package dev.ida4j.model.asker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.CheckedBackend;
import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.optim.AdamW;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * H′ learns a synthetic overseer whose every decision is a copy or a constant, so it needs the pointer:
 *
 * <pre>
 *   Q = (x, y, z)    subQ₀ = (1, x, 0)   subA₀ = (a, b)    subQ₁ = (2, a, y)   subA₁ = (c, d)    A = (d, c)
 * </pre>
 *
 * with x, y, z, a, b, c, d random names (3..V-1). Trained with teacher forcing, then driven as the amplifier drives
 * it: each subquestion generated, the true subanswer filled in, and finally the answer generated.
 */
class AskerLearningTest {
    private static final AskerConfig CFG = new AskerConfig(12, 3, 2, 2, 32, 2, 2, 0f, true);

    @Test
    void shouldLearnToCopyFromTheQuestionAndTheSubanswers() {
        int t = CFG.transcriptLength();
        Rng r = new Rng(2026);
        try (Backend backend = new CheckedBackend(new CpuBackend(2));
             Asker model = new Asker(backend, CFG, 32);
             AdamW opt = new AdamW(backend, model.params(), AdamW.Settings.of(3e-3f, 0f).withClip(1f))) {
            model.initialize(9);
            int[] heldOut = transcripts(r, 32);
            float first = model.loss(32, heldOut);
            for (int step = 0; step < 60; step++) {
                model.setBatch(32, transcripts(r, 32));
                model.trainStep(opt);
            }
            Asker.Evaluation e = model.evaluate(32, heldOut);
            assertThat(e.loss()).isLessThan(first / 20);
            assertThat(e.subquestionAccuracy()).isGreaterThanOrEqualTo(0.99);
            assertThat(e.answerAccuracy()).isGreaterThanOrEqualTo(0.99);
            // the gate chose the pointer for copied names and the generator for the constants 1 and 2
            Tensor mix = model.outputHead().mix(); // (n·S, 2): (copy, generate)
            int s = CFG.positions();
            double copied = 0;
            double constant = 0;
            for (int b = 0; b < 32; b++) {
                copied += mix.get(2L * (b * s + CFG.answerStart()))
                        + mix.get(2L * (b * s + CFG.subquestionStart(0) + 1));
                constant += mix.get(2L * (b * s + CFG.subquestionStart(0)))
                        + mix.get(2L * (b * s + CFG.subquestionStart(1)));
            }
            assertThat(copied / 64).as("copy weight where a name is copied").isGreaterThan(0.5);
            assertThat(constant / 64).as("copy weight where a constant is written").isLessThan(0.5);
            // the amplifier's protocol: generate, receive the subanswer, generate, ..., answer
            int[] run = new int[heldOut.length];
            for (int b = 0; b < 32; b++) {
                System.arraycopy(heldOut, b * t, run, b * t, CFG.qLen());
            }
            for (int slot = 0; slot < CFG.slots(); slot++) {
                model.generate(32, run, CFG.subquestionStart(slot), CFG.qLen(), null);
                for (int b = 0; b < 32; b++) {
                    int at = b * t + CFG.subanswerStart(slot);
                    System.arraycopy(heldOut, at, run, at, CFG.aLen());
                }
            }
            model.generate(32, run, CFG.answerStart(), CFG.aLen(), null);
            int exact = 0;
            for (int b = 0; b < 32; b++) {
                exact += Arrays.equals(run, b * t, (b + 1) * t, heldOut, b * t, (b + 1) * t) ? 1 : 0;
            }
            assertThat(exact).as("transcripts reproduced exactly").isGreaterThanOrEqualTo(31);
        }
    }

    private static int[] transcripts(Rng r, int n) {
        int t = CFG.transcriptLength();
        int[] out = new int[n * t];
        for (int b = 0; b < n; b++) {
            int o = b * t;
            int x = name(r);
            int y = name(r);
            int a = name(r);
            int c = name(r);
            int d = name(r);
            int[] row = {x, y, name(r), 1, x, 0, a, name(r), 2, a, y, c, d, d, c};
            System.arraycopy(row, 0, out, o, t);
        }
        return out;
    }

    private static int name(Rng r) {
        return 3 + r.nextInt(CFG.vocab() - 3);
    }
}
