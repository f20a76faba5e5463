package dev.ida4j.human;

import dev.ida4j.amplify.DirectModel;
import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The ground truth standing in for the model X when no trained run is given: it answers questions about one context
 * from the context's own structures (so it ignores the fact tokens it is handed). The page says so.
 */
final class GroundTruth implements DirectModel {
    private final Task task;
    private final Context context;

    GroundTruth(Task task, Context context) {
        this.task = task;
        this.context = context;
    }

    @Override
    public int maxContexts() {
        return 1;
    }

    @Override
    public void encode(int contexts, int facts, int[] factTokens) {
        if (contexts != 1) {
            throw new IllegalArgumentException("the ground truth answers about 1 context, got " + contexts);
        }
    }

    @Override
    public void answer(int questions, int[] questionTokens, RandomGenerator rng, int[] out, float[] outLogProb) {
        if (outLogProb != null) {
            Arrays.fill(outLogProb, 0f);   // certain
        }
        int lq = task.questionLength();
        int la = task.answerLength();
        for (int q = 0; q < questions; q++) {
            int[] truth = task.truth(context, Arrays.copyOfRange(questionTokens, q * lq, (q + 1) * lq));
            System.arraycopy(truth, 0, out, q * la, la);
        }
    }
}
