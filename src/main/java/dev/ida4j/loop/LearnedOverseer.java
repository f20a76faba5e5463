package dev.ida4j.loop;

import dev.ida4j.model.asker.Asker;
import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.Overseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.overseer.TranscriptLayout;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * H′ as an overseer: the learned model writes each next subquestion (or, after all slots, the answer) of every
 * transcript in progress, sampled token by token in one batched call per round. Like the reference it always uses
 * every slot; a blank subquestion it writes gets a blank subanswer from the amplifier.
 */
public final class LearnedOverseer implements Overseer {
    private final Asker asker;
    private final TranscriptLayout layout;
    private final RandomGenerator rng;
    private int[] tokens = new int[0];
    private Transcript cachedFirst;   // the first transcript of the group whose decoding H′'s cache holds
    private int cachedAsked = -1;

    /** {@code rng} null means greedy decoding. */
    public LearnedOverseer(Asker asker, TranscriptLayout layout, RandomGenerator rng) {
        this.asker = asker;
        this.layout = layout;
        this.rng = rng;
    }

    @Override
    public String name() {
        return "learned";
    }

    @Override
    public int slots() {
        return layout.slots();
    }

    @Override
    public void next(List<Transcript> inProgress, Action[] out) {
        int n = inProgress.size();
        int len = layout.length();
        if (tokens.length < n * len) {
            tokens = new int[n * len];
        }
        // H′ uses every slot, so all transcripts of one amplified batch advance together; group by progress anyway
        int done = 0;
        while (done < n) {
            int asked = inProgress.get(done).asked();
            int end = done;
            while (end < n && inProgress.get(end).asked() == asked) {
                end++;
            }
            decide(inProgress.subList(done, end), asked, out, done);
            done = end;
        }
    }

    private void decide(List<Transcript> group, int asked, Action[] out, int outAt) {
        int n = group.size();
        int len = layout.length();
        for (int i = 0; i < n; i++) {
            layout.flatten(group.get(i), tokens, i * len);
        }
        boolean answering = asked >= layout.slots();
        int from = answering ? layout.answerAt() : layout.subquestionAt(asked);
        int count = answering ? layout.answerLength() : layout.questionLength();
        int[] batch = n * len == tokens.length ? tokens : Arrays.copyOf(tokens, n * len);
        // the same transcripts one round further (and no nested batch in between): only the new tokens are fed
        boolean continuing = group.getFirst() == cachedFirst && asked == cachedAsked + 1;
        asker.generate(n, batch, from, count, rng, continuing);
        cachedFirst = group.getFirst();
        cachedAsked = asked;
        for (int i = 0; i < n; i++) {
            int[] written = Arrays.copyOfRange(batch, i * len + from, i * len + from + count);
            out[outAt + i] = answering ? new Action.Answer(written) : new Action.Ask(written);
        }
    }
}
