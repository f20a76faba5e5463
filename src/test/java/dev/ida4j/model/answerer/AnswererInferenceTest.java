package dev.ida4j.model.answerer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.random.Rng;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Context-encoding reuse: encode once, then answer, must give what the full forward gives on the same batch in
 * evaluation mode; answering in several calls, or in chunks beyond the capacity, must give what one call gives.
 */
class AnswererInferenceTest {
    private static final AnswererConfig CFG = new AnswererConfig(9, 3, 4, 3, 16, 2, 2, 2, 4, 2, 0.1f, false);

    @ParameterizedTest(name = "preLayerNorm {0}")
    @ValueSource(booleans = {false, true})
    void shouldAnswerFromAReusedEncodingAsTheFullForwardDoes(boolean preLn) {
        AnswererConfig cfg = CFG.withPreLayerNorm(preLn);
        try (Backend backend = Backends.cpu(2); Answerer model = new Answerer(backend, cfg, 3, 5, 4)) {
            model.initialize(11);
            ToyBatch batch = ToyBatch.random(cfg, 3, 5, 4, 21);
            // a few training steps first so BatchNorm's running statistics are not the initial ones
            batch.load(model);
            for (int i = 0; i < 3; i++) {
                model.forwardBackward();
            }
            model.setTraining(false);
            model.encode(3, 5, batch.facts());
            int[] greedy = new int[3 * 4 * cfg.answerLength()];
            model.answer(4, batch.questions(), null, greedy, null);

            // the full forward, teacher-forced with the greedy answers, must take the same argmax everywhere
            model.setBatch(3, 5, 4, batch.facts(), batch.questions(), greedy, batch.mask());
            model.forward();
            int[] full = new int[greedy.length];
            model.predictions(full);
            assertThat(full).containsExactly(greedy);
            assertThat(Arrays.stream(greedy).distinct().count()).as("not a degenerate constant answer")
                    .isGreaterThan(1);

            // two calls (questions 0-1, then 2-3 of each context) equal one call
            model.encode(3, 5, batch.facts());
            int[] first = new int[3 * 2 * cfg.answerLength()];
            int[] second = new int[first.length];
            model.answer(2, slice(batch.questions(), 0, cfg), null, first, null);
            model.answer(2, slice(batch.questions(), 2, cfg), null, second, null);
            for (int c = 0; c < 3; c++) {
                int la = cfg.answerLength();
                assertThat(Arrays.copyOfRange(first, c * 2 * la, (c + 1) * 2 * la))
                        .containsExactly(Arrays.copyOfRange(greedy, c * 4 * la, (c * 4 + 2) * la));
                assertThat(Arrays.copyOfRange(second, c * 2 * la, (c + 1) * 2 * la))
                        .containsExactly(Arrays.copyOfRange(greedy, (c * 4 + 2) * la, (c + 1) * 4 * la));
            }
        }
    }

    @ParameterizedTest(name = "preLayerNorm {0}")
    @ValueSource(booleans = {false, true})
    void shouldChunkQuestionsBeyondTheCapacityAndSampleReproducibly(boolean preLn) {
        AnswererConfig cfg = CFG.withPreLayerNorm(preLn);
        try (Backend backend = Backends.cpu(1);
             Answerer small = new Answerer(backend, cfg, 2, 5, 3);
             Answerer large = new Answerer(backend, cfg, 2, 5, 7)) {
            small.initialize(4);
            large.initialize(4);
            ToyBatch batch = ToyBatch.random(cfg, 2, 5, 7, 8);
            small.encode(2, 5, batch.facts());
            large.encode(2, 5, batch.facts());
            int[] chunked = new int[2 * 7 * cfg.answerLength()];
            int[] whole = new int[chunked.length];
            small.answer(7, batch.questions(), null, chunked, null); // chunks of 3, 3, 1 questions
            large.answer(7, batch.questions(), null, whole, null);
            assertThat(chunked).containsExactly(whole);

            // sampling draws the same tokens from the same generator state, and other tokens from another
            int[] a = new int[chunked.length];
            int[] b = new int[chunked.length];
            small.answer(7, batch.questions(), new Rng(5), a, null);
            small.answer(7, batch.questions(), new Rng(5), b, null);
            assertThat(a).containsExactly(b);
            int[] c = new int[chunked.length];
            small.answer(7, batch.questions(), new Rng(6), c, null);
            assertThat(c).isNotEqualTo(a);
        }
    }

    @ParameterizedTest(name = "preLayerNorm {0}")
    @ValueSource(booleans = {false})
    void shouldRefuseToAnswerWithoutAnEncodingAndNameBadTokens(boolean preLn) {
        try (Backend backend = Backends.cpu(1); Answerer model = new Answerer(backend, CFG, 2, 5, 3)) {
            model.initialize(1);
            ToyBatch batch = ToyBatch.random(CFG, 2, 5, 3, 2);
            int[] out = new int[2 * 3 * CFG.answerLength()];
            assertThatThrownBy(() -> model.answer(3, batch.questions(), null, out, null))
                    .hasMessageContaining("call encode() first");
            model.encode(2, 5, batch.facts());
            batch.load(model); // a training batch overwrites the fact states
            assertThatThrownBy(() -> model.answer(3, batch.questions(), null, out, null))
                    .hasMessageContaining("call encode() first");
            int[] bad = batch.facts().clone();
            bad[4] = 9;
            assertThatThrownBy(() -> model.encode(2, 5, bad)).hasMessageContaining("factTokens[4] = 9");
            assertThatThrownBy(() -> model.setBatch(3, 5, 3, batch.facts(), batch.questions(), batch.answers(),
                    batch.mask())).hasMessageContaining("capacity 2 × 5 × 3");
        }
    }

    /** Questions [from, from + 2) of each of the 3 contexts of 4 questions. */
    private static int[] slice(int[] questions, int from, AnswererConfig cfg) {
        int lq = cfg.questionLength();
        int[] out = new int[3 * 2 * lq];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(questions, (c * 4 + from) * lq, out, c * 2 * lq, 2 * lq);
        }
        return out;
    }
}
