package dev.ida4j.trace;

import dev.ida4j.model.asker.Asker;
import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.overseer.TranscriptLayout;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * H′'s probability of each action it took in its transcripts (a subquestion, or the final answer: the product of its
 * tokens' probabilities, teacher-forced), and of H's action where the transcript parts from H. In H′'s layout H's
 * final answer before the last slot is a blank subquestion there. Computed in batches of H′'s capacity.
 */
final class AskerOdds {
    private final Map<Transcript, double[]> steps = new IdentityHashMap<>();
    private final Map<Transcript, Double> alternatives = new IdentityHashMap<>();

    /** The odds of {@code transcripts}, each with its {@link Deviation} from H or null. */
    AskerOdds(Asker asker, TranscriptLayout layout, List<Transcript> transcripts, Map<Transcript, Deviation> parts) {
        int len = layout.length();
        int batch = asker.capacity();
        // rows: each transcript as written, then each deviating one with H's action in place of its own
        List<Transcript> deviating = transcripts.stream().filter(t -> parts.get(t) != null).toList();
        int rows = transcripts.size() + deviating.size();
        int[] tokens = new int[rows * len];
        for (int i = 0; i < transcripts.size(); i++) {
            layout.flatten(transcripts.get(i), tokens, i * len);
        }
        for (int i = 0; i < deviating.size(); i++) {
            Transcript t = deviating.get(i);
            int at = (transcripts.size() + i) * len;
            layout.flatten(t, tokens, at);
            Deviation d = parts.get(t);
            int[] written = switch (d.h()) {
                case Action.Ask ask -> ask.subquestion();
                case Action.Answer a -> d.step() < layout.slots() ? new int[layout.questionLength()] : a.answer();
            };
            System.arraycopy(written, 0, tokens, at + spanStart(layout, d.step()), written.length);
        }
        float[] logp = new float[rows * len];
        for (int from = 0; from < rows; from += batch) {
            int n = Math.min(batch, rows - from);
            int[] chunk = Arrays.copyOfRange(tokens, from * len, (from + n) * len);
            float[] out = new float[n * len];
            asker.tokenLogProbs(n, chunk, out);
            System.arraycopy(out, 0, logp, from * len, n * len);
        }
        for (int i = 0; i < transcripts.size(); i++) {
            double[] p = new double[layout.slots() + 1];
            for (int k = 0; k <= layout.slots(); k++) {
                p[k] = probability(layout, logp, i * len, k);
            }
            steps.put(transcripts.get(i), p);
        }
        for (int i = 0; i < deviating.size(); i++) {
            Transcript t = deviating.get(i);
            alternatives.put(t, probability(layout, logp, (transcripts.size() + i) * len, parts.get(t).step()));
        }
    }

    /** H′'s probability of step {@code k} of {@code t} as written (k = slots: the final answer). */
    double step(Transcript t, int k) {
        return steps.get(t)[k];
    }

    /** H′'s probability of H's action at the step where {@code t} parts from H. */
    double alternative(Transcript t) {
        return alternatives.get(t);
    }

    private static int spanStart(TranscriptLayout layout, int step) {
        return step < layout.slots() ? layout.subquestionAt(step) : layout.answerAt();
    }

    private static double probability(TranscriptLayout layout, float[] logp, int row, int step) {
        int from = row + spanStart(layout, step);
        int count = step < layout.slots() ? layout.questionLength() : layout.answerLength();
        double sum = 0;
        for (int i = from; i < from + count; i++) {
            sum += logp[i];
        }
        return Math.exp(sum);
    }
}
