package dev.ida4j.loop;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.model.asker.Asker;
import dev.ida4j.optim.AdamW;
import dev.ida4j.overseer.Overseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.overseer.TranscriptLayout;
import dev.ida4j.task.Task;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The learned overseer's side of the loop: calls to the real overseer H, rationed by a budget, and H′'s training
 * on the transcripts they produce.
 *
 * <p>The budget follows the reference: a start grant, then per X step 1 call while H′'s loss on fresh transcripts is at
 * least the band b (the reference: 0.1), 0.1 while it is in [b/10, b), 0.01 below. Each call answers one fresh question
 * with Amplify^H(teacher) and keeps its transcript; the teacher answers as it does in generation (sampled or greedy),
 * so H′ learns from the kind of subanswers it will see. H′ trains {@code stepRate} steps of {@code batch} transcripts
 * per X step, from its replay buffer; or, with a rate of 0, at the budget's rate (one step per call granted): the
 * reference lets H′ train flat out on its own GPU, which on a shared CPU takes time from X; tying H′'s steps to its
 * fresh-data loss hands that time back to X once H′ imitates H well, at the price of an H′ that improves slowly.
 */
final class AskerTraining {
    private static final int LOSS_HORIZON = 10;

    private final Task task;
    private final Asker asker;
    private final AdamW optimizer;
    private final Amplifier amplifier;
    private final Overseer h;
    private final TranscriptLayout layout;
    private final RecordBuffer buffer;
    private final int contextsPerCall;
    private final int batch;
    private final int minBuffer;
    private final boolean sampledTeacher;
    private final double stepRate;
    private final double lossBand;
    private final Replicas replicas;
    private final int[] trainTokens;   // (batch, T)
    double budget;
    double trainCredit;   // H′ steps granted and not yet taken
    long calls;
    long steps;
    double freshLoss = Double.NaN;   // EMA of H′'s loss on transcripts it has not trained on
    long lossBatches;
    float lastLoss = Float.NaN;

    AskerTraining(Task task, Asker asker, AdamW optimizer, Amplifier amplifier, Overseer h, RecordBuffer buffer,
                  int initialBudget, int contextsPerCall, int batch, int minBuffer, boolean sampledTeacher,
                  double stepRate, double lossBand, Replicas replicas) {
        this.task = task;
        this.asker = asker;
        this.optimizer = optimizer;
        this.amplifier = amplifier;
        this.h = h;
        this.layout = new TranscriptLayout(task.slots(), task.questionLength(), task.answerLength());
        this.buffer = buffer;
        this.budget = initialBudget;
        this.contextsPerCall = contextsPerCall;
        this.batch = batch;
        this.minBuffer = minBuffer;
        this.sampledTeacher = sampledTeacher;
        this.stepRate = stepRate;
        this.lossBand = lossBand;
        this.replicas = replicas;
        this.trainTokens = new int[batch * layout.length()];
    }

    /** Grants this X step's calls, by H′'s loss band, and its H′ steps. */
    void grant() {
        double rate = Double.isNaN(freshLoss) || freshLoss >= lossBand ? 1 : freshLoss >= lossBand / 10 ? 0.1 : 0.01;
        budget += rate;
        trainCredit += stepRate > 0 ? stepRate : rate;
    }

    /**
     * Spends the budget on calls to H on questions of instance size {@code size}, of every level (H′ learns H's whole
     * algorithm from the start, whatever levels X is drawn); returns the calls made.
     */
    int callOverseer(int size, RandomGenerator dataRng, RandomGenerator answerRng) {
        int made = 0;
        while (budget >= 1) {
            int n = (int) Math.min(contextsPerCall, Math.floor(budget));
            Questions qs = Questions.sample(task, n, size, 1, dataRng);
            List<List<Transcript>> ts = amplifier.amplify(qs.contexts(), qs.questions(), h, 1, answerRng,
                    Generation.decoding(sampledTeacher));
            int[] tokens = new int[n * layout.length()];   // (n, T)
            for (int i = 0; i < n; i++) {
                layout.flatten(ts.get(i).getFirst(), tokens, i * layout.length());
            }
            float loss = asker.loss(n, tokens);   // measured before H′ ever trains on these
            lossBatches++;
            freshLoss = Double.isNaN(freshLoss) ? loss
                    : freshLoss + (loss - freshLoss) / Math.min(lossBatches, LOSS_HORIZON);
            int[] record = new int[layout.length()];
            for (int i = 0; i < n; i++) {
                System.arraycopy(tokens, i * layout.length(), record, 0, record.length);
                buffer.add(record);
            }
            budget -= n;
            calls += n;
            made += n;
        }
        return made;
    }

    /** Puts transcripts of another overseer (a person's) into H′'s buffer, counted as calls to H. */
    void add(List<Transcript> transcripts) {
        int[] record = new int[layout.length()];
        for (Transcript t : transcripts) {
            layout.flatten(t, record, 0);
            buffer.add(record);
        }
        calls += transcripts.size();
    }

    /**
     * One H′ step on a batch drawn from the buffer, when granted and the buffer holds enough; returns whether it ran.
     * In a data-parallel job each rank takes its slice of the batch and the slices' gradients are averaged.
     */
    boolean train(RandomGenerator trainRng) {
        if (buffer.size() < minBuffer || trainCredit < 1) {
            return false;
        }
        trainCredit -= 1;
        int len = layout.length();
        for (int i = 0; i < batch; i++) {
            System.arraycopy(buffer.data(), buffer.sample(trainRng), trainTokens, i * len, len);
        }
        asker.setTraining(true);
        int lo = replicas.sliceStart(batch);
        int hi = replicas.sliceEnd(batch);
        asker.setBatch(hi - lo, replicas.single() ? trainTokens : Arrays.copyOfRange(trainTokens, lo * len, hi * len));
        double[] loss = {asker.forwardBackward()};   // the mean over transcripts of each one's loss
        replicas.sumWeighted(asker.backend(), asker.grads(), (hi - lo) / (float) batch, loss);
        lastLoss = (float) loss[0];
        optimizer.tryStep(asker.params(), asker.grads(), lastLoss);
        replicas.shareStatistics(asker);
        asker.setTraining(false);   // it decides in evaluation mode
        steps++;
        return true;
    }
}
