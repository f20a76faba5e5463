package dev.ida4j.loop;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * X's training data: contexts with their questions and targets, packed as replay-buffer records, and the padded
 * batch a training step reads.
 *
 * <pre>
 * record: | factCount | questionCount | facts (F, W) | questions (Q, Lq) | targets (Q, La) |
 * </pre>
 * F and Q are the most facts and questions a context may have; unused rows are zero (blank).
 */
public final class TrainingBatch {
    private final int maxFacts;
    private final int maxQuestions;
    private final int w;
    private final int lq;
    private final int la;
    // the batch, exactly (b, f, W), (b, q, Lq), (b, q, La), (b, q): reallocated when f or q change
    private int[] factTokens = new int[0];
    private int[] questionTokens = new int[0];
    private int[] answerTokens = new int[0];
    private float[] questionMask = new float[0];
    int contexts;
    int facts;
    int questions;

    public TrainingBatch(int maxFacts, int maxQuestions, int w, int lq, int la) {
        this.maxFacts = maxFacts;
        this.maxQuestions = maxQuestions;
        this.w = w;
        this.lq = lq;
        this.la = la;
    }

    public int recordLength() {
        return 2 + maxFacts * w + maxQuestions * (lq + la);
    }

    /** One context's record: its facts, questions and targets. */
    public int[] record(List<int[]> facts, List<int[]> questions, List<int[]> targets) {
        if (facts.size() > maxFacts || questions.size() > maxQuestions || targets.size() != questions.size()) {
            throw new IllegalArgumentException(facts.size() + " facts, " + questions.size() + " questions and "
                    + targets.size() + " targets do not fit records of " + maxFacts + " facts and " + maxQuestions
                    + " questions");
        }
        int[] r = new int[recordLength()];
        r[0] = facts.size();
        r[1] = questions.size();
        int at = 2;
        for (int i = 0; i < facts.size(); i++) {
            System.arraycopy(facts.get(i), 0, r, at + i * w, w);
        }
        at += maxFacts * w;
        for (int i = 0; i < questions.size(); i++) {
            System.arraycopy(questions.get(i), 0, r, at + i * lq, lq);
            System.arraycopy(targets.get(i), 0, r, at + maxQuestions * lq + i * la, la);
        }
        return r;
    }

    /** The number of questions in {@code record}. */
    public int questionCount(int[] record) {
        return record[1];
    }

    /** Question {@code i}'s target in {@code record} (La tokens). */
    public int[] target(int[] record, int i) {
        int at = 2 + maxFacts * w + maxQuestions * lq + i * la;
        return Arrays.copyOfRange(record, at, at + la);
    }

    /** Fills this batch with {@code contexts} records drawn uniformly with replacement from {@code buffer}. */
    public void sample(RecordBuffer buffer, int contexts, RandomGenerator rng) {
        int[] data = buffer.data();
        int[] offsets = new int[contexts];
        facts = 1;
        questions = 1;
        for (int c = 0; c < contexts; c++) {
            offsets[c] = buffer.sample(rng);
            facts = Math.max(facts, data[offsets[c]]);
            questions = Math.max(questions, data[offsets[c] + 1]);
        }
        this.contexts = contexts;
        factTokens = zeroed(factTokens, contexts * facts * w);
        questionTokens = zeroed(questionTokens, contexts * questions * lq);
        answerTokens = zeroed(answerTokens, contexts * questions * la);
        if (questionMask.length != contexts * questions) {
            questionMask = new float[contexts * questions];
        }
        Arrays.fill(questionMask, 0f);
        for (int c = 0; c < contexts; c++) {
            int at = offsets[c];
            int nf = data[at];
            int nq = data[at + 1];
            System.arraycopy(data, at + 2, factTokens, c * facts * w, nf * w);
            int qAt = at + 2 + maxFacts * w;
            System.arraycopy(data, qAt, questionTokens, c * questions * lq, nq * lq);
            System.arraycopy(data, qAt + maxQuestions * lq, answerTokens, c * questions * la, nq * la);
            Arrays.fill(questionMask, c * questions, c * questions + nq, 1f);
        }
    }

    private static int[] zeroed(int[] a, int n) {
        if (a.length != n) {
            return new int[n];
        }
        Arrays.fill(a, 0);
        return a;
    }

    public int contexts() {
        return contexts;
    }

    public int facts() {
        return facts;
    }

    public int questions() {
        return questions;
    }

    /** (contexts, facts, W) */
    public int[] factTokens() {
        return factTokens;
    }

    /** (contexts, questions, Lq) */
    public int[] questionTokens() {
        return questionTokens;
    }

    /** (contexts, questions, La) */
    public int[] answerTokens() {
        return answerTokens;
    }

    /** (contexts, questions): 1 for a real question, 0 for padding */
    public float[] questionMask() {
        return questionMask;
    }
}
