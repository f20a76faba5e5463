package dev.ida4j.model.asker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.CheckedBackend;
import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.optim.AdamW;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cached generation against the uncached one: {@code generate(.., p, 1, null)} is one full forward per token (its
 * only token comes from the full forward), so a loop of those is the reference for one cached call, token for token
 * and in log-probabilities. Run as the amplifier does: subquestion, given subanswer, next subquestion, answer.
 */
class AskerGenerationTest {

    @ParameterizedTest(name = "postLn {0}")
    @ValueSource(booleans = {true, false})
    void shouldGenerateWithTheCacheWhatFullForwardsGenerate(boolean postLn) {
        AskerConfig cfg = new AskerConfig(9, 3, 2, 2, 16, 2, 2, 0.1f, postLn);
        int t = cfg.transcriptLength();
        int n = 3;
        Rng r = new Rng(7);
        try (Backend backend = new CheckedBackend(new CpuBackend(2));
             Asker model = new Asker(backend, cfg, 4);
             AdamW opt = new AdamW(backend, model.params(), AdamW.Settings.of(1e-2f, 0f))) {
            model.initialize(3);
            // a few steps on random transcripts so the BatchNorm running statistics are not the identity
            int[] noise = random(r, 4 * t, cfg.vocab());
            model.setBatch(4, noise);
            for (int i = 0; i < 5; i++) {
                model.trainStep(opt);
            }
            int[] cached = new int[n * t];
            int[] uncached = new int[n * t];
            int[] question = random(r, n * t, cfg.vocab());
            for (int b = 0; b < n; b++) {
                System.arraycopy(question, b * t, cached, b * t, cfg.qLen());
            }
            // tokens not yet generated hold junk: causality must make them irrelevant
            for (int i = 0; i < n * t; i++) {
                if (i % t >= cfg.qLen()) {
                    cached[i] = (i * 5 + 1) % cfg.vocab();
                }
            }
            System.arraycopy(cached, 0, uncached, 0, n * t);
            for (int slot = 0; slot <= cfg.slots(); slot++) {
                boolean answer = slot == cfg.slots();
                int from = answer ? cfg.answerStart() : cfg.subquestionStart(slot);
                int count = answer ? cfg.aLen() : cfg.qLen();
                int[] before = cached.clone();
                model.generate(n, cached, from, count, null);
                for (int p = from; p < from + count; p++) {
                    model.generate(n, uncached, p, 1, null);
                }
                assertThat(cached).as("tokens after slot %d", slot).isEqualTo(uncached);
                for (int b = 0; b < n; b++) {
                    assertThat(Arrays.copyOfRange(cached, b * t + from + count, (b + 1) * t))
                            .as("tokens after the generated range").isEqualTo(
                                    Arrays.copyOfRange(before, b * t + from + count, (b + 1) * t));
                }
                assertStepMatchesFullForward(model, cached, n, from + count - 1);
                if (!answer) {
                    int[] subanswer = random(r, n * cfg.aLen(), cfg.vocab());
                    for (int b = 0; b < n; b++) {
                        for (int j = 0; j < cfg.aLen(); j++) {
                            cached[b * t + cfg.subanswerStart(slot) + j] = subanswer[b * cfg.aLen() + j];
                            uncached[b * t + cfg.subanswerStart(slot) + j] = subanswer[b * cfg.aLen() + j];
                        }
                    }
                }
            }
            // a whole transcript from position 0 (a one-position prefix)
            int[] whole = cached.clone();
            int[] wholeUncached = cached.clone();
            model.generate(n, whole, 0, t, null);
            for (int p = 0; p < t; p++) {
                model.generate(n, wholeUncached, p, 1, null);
            }
            assertThat(whole).isEqualTo(wholeUncached);
            assertStepMatchesFullForward(model, whole, n, t - 1);
            // sampling: reproducible from the seed, tokens in the vocabulary
            int[] s1 = cached.clone();
            int[] s2 = cached.clone();
            model.generate(n, s1, cfg.qLen(), t - cfg.qLen(), new Rng(1));
            model.generate(n, s2, cfg.qLen(), t - cfg.qLen(), new Rng(1));
            assertThat(s1).isEqualTo(s2);
            assertThat(Arrays.stream(s1).allMatch(x -> x >= 0 && x < cfg.vocab())).isTrue();
            assertThatThrownBy(() -> model.generate(n, s1, t - 1, 2, null)).hasMessageContaining("[" + (t - 1));
        }
    }

    @ParameterizedTest(name = "postLn {0}")
    @ValueSource(booleans = {true, false})
    void shouldContinueTheCacheRoundAfterRoundAsAFreshPrefixWould(boolean postLn) {
        AskerConfig cfg = new AskerConfig(9, 3, 2, 3, 16, 2, 2, 0.1f, postLn);
        int t = cfg.transcriptLength();
        int n = 3;
        Rng r = new Rng(11);
        try (Backend backend = new CheckedBackend(new CpuBackend(1));
             Asker model = new Asker(backend, cfg, 4);
             AdamW opt = new AdamW(backend, model.params(), AdamW.Settings.of(1e-2f, 0f))) {
            model.initialize(5);
            model.setBatch(4, random(r, 4 * t, cfg.vocab()));
            for (int i = 0; i < 5; i++) {
                model.trainStep(opt);
            }
            int[] continued = random(r, n * t, cfg.vocab());
            int[] fresh = continued.clone();
            for (int slot = 0; slot <= cfg.slots(); slot++) {
                boolean answer = slot == cfg.slots();
                int from = answer ? cfg.answerStart() : cfg.subquestionStart(slot);
                int count = answer ? cfg.aLen() : cfg.qLen();
                // both arrays hold the same tokens so far, so the cache the fresh call leaves serves the next
                // continuing call exactly as the continuing call's own would
                model.generate(n, continued, from, count, null, slot > 0);
                model.generate(n, fresh, from, count, null, false);
                assertThat(continued).as("after slot %d", slot).isEqualTo(fresh);
                if (!answer) {
                    int[] subanswer = random(r, n * cfg.aLen(), cfg.vocab());
                    for (int b = 0; b < n; b++) {
                        for (int j = 0; j < cfg.aLen(); j++) {
                            continued[b * t + cfg.subanswerStart(slot) + j] = subanswer[b * cfg.aLen() + j];
                            fresh[b * t + cfg.subanswerStart(slot) + j] = subanswer[b * cfg.aLen() + j];
                        }
                    }
                }
            }
            // after another use of the model the cache is not trusted: a continuing call falls back to the prefix
            int[] again = fresh.clone();
            model.loss(n, fresh);
            model.generate(n, again, cfg.answerStart(), cfg.aLen(), null, true);
            assertThat(again).isEqualTo(fresh);
        }
    }

    /** The last cached step's log-probabilities equal the full forward's at that position. */
    private static void assertStepMatchesFullForward(Asker model, int[] tokens, int n, int p) {
        AskerConfig cfg = model.config();
        int v = cfg.vocab();
        int s = cfg.positions();
        float[] step = model.outputHead().stepLogp().toFloatArray();
        model.upload(n, tokens);
        model.forward(n, false);
        Tensor full = model.outputHead().logp();
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < v; j++) {
                assertThat(step[b * v + j]).as("logp[%d, %d, %d]", b, p, j)
                        .isCloseTo(full.get(((long) b * s + p) * v + j), org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    static int[] random(Rng r, int count, int vocab) {
        int[] x = new int[count];
        for (int i = 0; i < count; i++) {
            x[i] = r.nextInt(vocab);
        }
        return x;
    }
}
