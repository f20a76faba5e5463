package dev.ida4j.model.asker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.CheckedBackend;
import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.Tensor;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The loss counts only the tokens H writes, as the mean of the subquestion average and the answer average. */
class AskerLossTest {
    private final AskerConfig cfg = new AskerConfig(9, 3, 2, 2, 16, 2, 2, 0f, true);

    @Test
    void shouldIgnoreTheTargetsOfGivenTokens() {
        int t = cfg.transcriptLength();
        int s = cfg.positions();
        int[] transcripts = AskerGenerationTest.random(new Rng(3), 2 * t, cfg.vocab());
        try (Backend backend = new CheckedBackend(new CpuBackend(2)); Asker model = new Asker(backend, cfg, 2)) {
            model.initialize(1);
            model.setBatch(2, transcripts);
            float base = model.forwardBackward();
            float[] grads = model.grads().all().toFloatArray();
            Tensor targets = model.targets();
            // a subanswer's and a main-question token's targets (the inputs stay): loss and gradients unchanged
            for (int i : new int[] {cfg.subanswerStart(1), 1, t + cfg.subanswerStart(0) + 1}) {
                int row = i / t * s + i % t;
                int old = targets.getInt(row);
                targets.setInt(row, (old + 1) % cfg.vocab());
                assertThat(model.forwardBackward()).as("loss with target %d changed", i).isEqualTo(base);
                assertThat(model.grads().all().toFloatArray()).isEqualTo(grads);
                targets.setInt(row, old);
            }
            // a subquestion's and an answer's targets count
            for (int i : new int[] {cfg.subquestionStart(1) + 2, cfg.answerStart() + 1}) {
                int old = targets.getInt(i);
                targets.setInt(i, (old + 1) % cfg.vocab());
                assertThat(model.forwardBackward()).as("loss with target %d changed", i).isNotEqualTo(base);
                targets.setInt(i, old);
            }
        }
    }

    @Test
    void shouldAverageSubquestionAndAnswerTokensSeparately() {
        int t = cfg.transcriptLength();
        int s = cfg.positions();
        int v = cfg.vocab();
        int n = 3;
        int[] transcripts = AskerGenerationTest.random(new Rng(4), n * t, v);
        try (Backend backend = new CheckedBackend(new CpuBackend(2)); Asker model = new Asker(backend, cfg, 4)) {
            model.initialize(2);
            Asker.Evaluation e = model.evaluate(n, transcripts);
            Tensor logp = model.outputHead().logp();
            double sq = 0;
            double ans = 0;
            int sqRight = 0;
            int ansRight = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < t; i++) {
                    long row = ((long) b * s + i) * v;
                    double norm = 0;
                    int best = 0;
                    for (int j = 0; j < v; j++) {
                        norm += Math.exp(logp.get(row + j));
                        best = logp.get(row + j) > logp.get(row + best) ? j : best;
                    }
                    double ce = Math.log(norm) - logp.get(row + transcripts[b * t + i]);
                    boolean right = best == transcripts[b * t + i];
                    if (cfg.typeOf(i) == TokenType.SUBQUESTION) {
                        sq += ce;
                        sqRight += right ? 1 : 0;
                    } else if (cfg.typeOf(i) == TokenType.MAIN_ANSWER) {
                        ans += ce;
                        ansRight += right ? 1 : 0;
                    }
                }
            }
            int sqCount = n * cfg.slots() * cfg.qLen();
            int ansCount = n * cfg.aLen();
            assertThat((double) e.loss()).isCloseTo(0.5 * sq / sqCount + 0.5 * ans / ansCount, Offset.offset(1e-5));
            assertThat(e.subquestionAccuracy()).isEqualTo((double) sqRight / sqCount);
            assertThat(e.answerAccuracy()).isEqualTo((double) ansRight / ansCount);
            assertThat(model.loss(n, transcripts)).isEqualTo(e.loss());
            int[] bad = transcripts.clone();
            bad[t + 4] = v;
            assertThatThrownBy(() -> model.evaluate(n, bad)).hasMessageContaining("token " + v)
                    .hasMessageContaining("transcript 1, position 4");
        }
    }
}
