package dev.ida4j.amplify;

import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import dev.ida4j.task.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A test model that knows the ground truth: it recognises each encoded context among those it was given and answers
 * with {@link Task#truth}. It records every question it is asked.
 */
public final class TruthModel implements DirectModel {
    private final Task task;
    private final List<? extends Context> known;
    private final int maxContexts;
    private final List<Context> encoded = new ArrayList<>();
    final List<int[]> asked = new ArrayList<>();
    int encodes;
    /** When set, a question asked with an rng (sampled) gets the all-zero answer instead of the truth. */
    boolean zerosWhenSampled;
    /** The probability it reports for each of its answers. */
    double confidence = 1;
    /** Planted answers: a question (its tokens as a list) asked of it gets this answer instead of the truth. */
    public final java.util.Map<List<Integer>, int[]> planted = new java.util.HashMap<>();

    public TruthModel(Task task, List<? extends Context> known, int maxContexts) {
        this.task = task;
        this.known = known;
        this.maxContexts = maxContexts;
    }

    @Override
    public int maxContexts() {
        return maxContexts;
    }

    @Override
    public void encode(int contexts, int facts, int[] factTokens) {
        encodes++;
        encoded.clear();
        int w = task.factLength();
        for (int c = 0; c < contexts; c++) {
            int[] mine = Arrays.copyOfRange(factTokens, c * facts * w, (c + 1) * facts * w);
            encoded.add(known.stream().filter(k -> Arrays.equals(mine, padded(k, facts))).findFirst()
                    .orElseThrow(() -> new AssertionError("an unknown context was encoded")));
        }
    }

    private int[] padded(Context k, int facts) {
        int w = task.factLength();
        int[] tokens = new int[facts * w];
        for (int i = 0; i < k.factCount(); i++) {
            System.arraycopy(k.fact(i), 0, tokens, i * w, w);
        }
        return tokens;
    }

    @Override
    public void answer(int questions, int[] questionTokens, RandomGenerator rng, int[] out, float[] outLogProb) {
        if (outLogProb != null) {
            Arrays.fill(outLogProb, (float) Math.log(confidence));
        }
        int lq = task.questionLength();
        int la = task.answerLength();
        for (int c = 0; c < encoded.size(); c++) {
            for (int q = 0; q < questions; q++) {
                int at = (c * questions + q) * lq;
                int[] question = Arrays.copyOfRange(questionTokens, at, at + lq);
                if (Vocabulary.isBlank(question)) {
                    continue;
                }
                asked.add(question);
                int[] answer = zerosWhenSampled && rng != null ? new int[la] : task.truth(encoded.get(c), question);
                answer = planted.getOrDefault(Arrays.stream(question).boxed().toList(), answer);
                System.arraycopy(answer, 0, out, (c * questions + q) * la, la);
            }
        }
    }
}
