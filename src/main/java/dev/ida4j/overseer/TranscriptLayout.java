package dev.ida4j.overseer;

import java.util.Arrays;

/**
 * The flat token form of a transcript, what the learned overseer H′ reads and writes (the reference's layout):
 * <pre>
 * | question (Lq) | subquestion 1 (Lq) | subanswer 1 (La) | ... | subquestion S (Lq) | subanswer S (La) | answer (La) |
 * </pre>
 * T = (S + 1)·(Lq + La) tokens; unused slots are blank (all zero).
 */
public record TranscriptLayout(int slots, int questionLength, int answerLength) {

    public int length() {
        return (slots + 1) * (questionLength + answerLength);
    }

    /** Offset of subquestion {@code slot} (0-based). */
    public int subquestionAt(int slot) {
        return questionLength + slot * (questionLength + answerLength);
    }

    public int subanswerAt(int slot) {
        return subquestionAt(slot) + questionLength;
    }

    public int answerAt() {
        return subquestionAt(slots);
    }

    /** Writes {@code t} into {@code out[at .. at + length())}, blank where it has nothing yet. */
    public void flatten(Transcript t, int[] out, int at) {
        Arrays.fill(out, at, at + length(), 0);
        System.arraycopy(t.question(), 0, out, at, questionLength);
        for (int s = 0; s < t.asked(); s++) {
            System.arraycopy(t.subquestion(s), 0, out, at + subquestionAt(s), questionLength);
            if (s < t.asked() - 1 || !t.awaitingSubanswer()) {
                System.arraycopy(t.subanswer(s), 0, out, at + subanswerAt(s), answerLength);
            }
        }
        if (t.isDone()) {
            System.arraycopy(t.answer(), 0, out, at + answerAt(), answerLength);
        }
    }
}
