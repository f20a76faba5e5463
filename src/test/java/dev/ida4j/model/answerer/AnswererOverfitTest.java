package dev.ida4j.model.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.optim.AdamW;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A small X learns a fixed toy dataset that needs copying: each context holds facts "x y z" with distinct keys x
 * and random y z; the question "x" asks for "y z". It must reach 100% exact match, teacher-forced and then decoded
 * greedily from a reused encoding.
 */
class AnswererOverfitTest {
    private static final int CONTEXTS = 8;
    private static final int FACTS = 6;

    @ParameterizedTest(name = "preLayerNorm {0}")
    @ValueSource(booleans = {false, true})
    void shouldLearnToCopyTheAnswerOutOfTheRightFact(boolean preLn) {
        AnswererConfig cfg = new AnswererConfig(16, 3, 1, 2, 32, 2, 1, 1, 8, 2, 0f, preLn);
        SplittableRandom r = new SplittableRandom(1);
        int[] facts = new int[CONTEXTS * FACTS * 3];
        int[] questions = new int[CONTEXTS * FACTS];
        int[] answers = new int[CONTEXTS * FACTS * 2];
        float[] mask = new float[CONTEXTS * FACTS];
        for (int c = 0; c < CONTEXTS; c++) {
            int[] keys = r.ints(1, 16).distinct().limit(FACTS).toArray();
            for (int i = 0; i < FACTS; i++) {
                int row = c * FACTS + i;
                int y = 1 + r.nextInt(15);
                int z = 1 + r.nextInt(15);
                facts[row * 3] = keys[i];
                facts[row * 3 + 1] = y;
                facts[row * 3 + 2] = z;
                // question j asks about fact (j + 2) mod F: not simply "the fact in the same slot"
                int q = c * FACTS + (i + 2) % FACTS;
                questions[q] = keys[i];
                answers[q * 2] = y;
                answers[q * 2 + 1] = z;
                mask[row] = 1;
            }
        }
        try (Backend backend = Backends.cpu(2);
             Answerer model = new Answerer(backend, cfg, CONTEXTS, FACTS, FACTS);
             AdamW opt = new AdamW(backend, model.params(), AdamW.Settings.of(3e-3f, 0f).withClip(1f))) {
            model.initialize(7);
            model.setBatch(CONTEXTS, FACTS, FACTS, facts, questions, answers, mask);
            float first = model.forward();
            int steps = 0;
            float loss = first;
            for (; steps < 1000 && (steps < 20 || model.exactMatch() < 1f || loss > 0.05f); steps++) {
                loss = model.trainStep(opt);
            }
            model.forward();
            assertThat(model.exactMatch()).as("teacher-forced exact match after %d steps (loss %s -> %s)", steps,
                    first, loss).isEqualTo(1f);

            // BatchNorm's running statistics (horizon 300 steps) still remember the first steps' batches
            model.calibrateBatchNorm();
            model.setTraining(false);
            model.encode(CONTEXTS, FACTS, facts);
            int[] greedy = new int[answers.length];
            model.answer(FACTS, questions, null, greedy, null);
            assertThat(greedy).as("greedy answers from the reused encoding, after %d steps", steps)
                    .containsExactly(answers);
        }
    }
}
