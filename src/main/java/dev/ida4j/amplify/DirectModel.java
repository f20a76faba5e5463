package dev.ida4j.amplify;

import java.util.random.RandomGenerator;

/**
 * What the amplifier needs from a model that answers questions about contexts directly (X, or its EMA teacher):
 * encode a batch of contexts once, then answer any number of rounds of questions about them.
 *
 * <p>Token arrays are flat and row-major. A context is {@code facts} facts of W tokens (blank facts are all-zero
 * rows); a question is Lq tokens and an answer La tokens, all task-defined.
 */
public interface DirectModel {
    /** The most contexts one {@link #encode} takes. */
    int maxContexts();

    /** Encodes {@code contexts} contexts: {@code factTokens} is (contexts, facts, W). Replaces the previous ones. */
    void encode(int contexts, int facts, int[] factTokens);

    /**
     * Answers {@code questions} questions about each encoded context: {@code questionTokens} is
     * (contexts, questions, Lq), {@code out} receives (contexts, questions, La). Samples from the model's
     * distribution with {@code rng}, or takes the most likely token when {@code rng} is null. Unless
     * {@code outLogProb} is null, it receives (contexts, questions) the log-probability the model gave each chosen
     * answer (0 for a model that is certain); blank questions' entries are unspecified.
     */
    void answer(int questions, int[] questionTokens, RandomGenerator rng, int[] out, float[] outLogProb);
}
