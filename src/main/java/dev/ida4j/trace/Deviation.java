package dev.ida4j.trace;

import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.task.Vocabulary;
import java.util.Arrays;
import java.util.List;

/**
 * The first step at which a transcript that another overseer wrote (H′, a person) parts from what the algorithmic
 * overseer H does on the same question and the same subanswers, and H's action there. Step {@code k} below
 * {@code asked} is the k-th subquestion; step {@code asked} is the final answer. A blank subquestion is what H′
 * writes when H has nothing more to ask, so it parts from H only where H would still ask.
 */
record Deviation(int step, Action h) {

    /** Where {@code t} first parts from {@code h}, or null when H would have written every step of it. */
    static Deviation of(ScriptOverseer h, Transcript t) {
        Transcript prefix = new Transcript(t.question(), h.slots());
        Action[] next = new Action[1];
        for (int k = 0; k < t.asked(); k++) {
            int[] sq = t.subquestion(k);
            h.next(List.of(prefix), next);
            if (Vocabulary.isBlank(sq)) {
                if (next[0] instanceof Action.Ask) {
                    return new Deviation(k, next[0]);
                }
                continue;
            }
            if (!(next[0] instanceof Action.Ask ask && Arrays.equals(ask.subquestion(), sq))) {
                return new Deviation(k, next[0]);
            }
            prefix.ask(sq);
            prefix.reply(t.subanswer(k));
        }
        h.next(List.of(prefix), next);
        if (!(next[0] instanceof Action.Answer a && Arrays.equals(a.answer(), t.answer()))) {
            return new Deviation(t.asked(), next[0]);
        }
        return null;
    }
}
