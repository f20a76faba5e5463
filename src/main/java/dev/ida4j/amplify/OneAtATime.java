package dev.ida4j.amplify;

import dev.ida4j.task.Vocabulary;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The unbatched baseline: answers each question with its own forward pass and its own encoding of its context, as
 * a naive implementation would. Same answers as the batched model under greedy decoding; used by
 * {@code ida4j bench tree} and by the batched-equals-one-at-a-time tests. Blank (padding) questions are skipped.
 */
public final class OneAtATime implements DirectModel {
    private final DirectModel model;
    private final int factLength;
    private final int questionLength;
    private final int answerLength;
    private int contexts;
    private int facts;
    private int[] factTokens = new int[0];

    public OneAtATime(DirectModel model, int factLength, int questionLength, int answerLength) {
        this.model = model;
        this.factLength = factLength;
        this.questionLength = questionLength;
        this.answerLength = answerLength;
    }

    @Override
    public int maxContexts() {
        return model.maxContexts();
    }

    @Override
    public void encode(int contexts, int facts, int[] factTokens) {
        this.contexts = contexts;
        this.facts = facts;
        this.factTokens = Arrays.copyOf(factTokens, contexts * facts * factLength);
    }

    @Override
    public void answer(int questions, int[] questionTokens, RandomGenerator rng, int[] out, float[] outLogProb) {
        int contextSize = facts * factLength;
        int[] one = new int[answerLength];
        float[] oneLogProb = outLogProb == null ? null : new float[1];
        for (int c = 0; c < contexts; c++) {
            int[] context = Arrays.copyOfRange(factTokens, c * contextSize, (c + 1) * contextSize);
            for (int q = 0; q < questions; q++) {
                int at = (c * questions + q) * questionLength;
                int[] question = Arrays.copyOfRange(questionTokens, at, at + questionLength);
                if (Vocabulary.isBlank(question)) {
                    continue;
                }
                model.encode(1, facts, context);
                model.answer(1, question, rng, one, oneLogProb);
                System.arraycopy(one, 0, out, (c * questions + q) * answerLength, answerLength);
                if (outLogProb != null) {
                    outLogProb[c * questions + q] = oneLogProb[0];
                }
            }
        }
    }
}
