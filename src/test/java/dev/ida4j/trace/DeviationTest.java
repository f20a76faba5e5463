package dev.ida4j.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.amplify.Counters;
import dev.ida4j.amplify.Decoding;
import dev.ida4j.amplify.TruthModel;
import dev.ida4j.loop.Questions;
import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import org.junit.jupiter.api.Test;

/** Where another overseer's transcript parts from H: H's own, H′'s form of it, and each way to part. */
class DeviationTest {
    private static final Task TASK = Tasks.byName("union-find");
    private final ScriptOverseer h = new ScriptOverseer(TASK);

    /** H's transcript of a question that takes at least two subquestions, the model knowing the truth. */
    private Transcript byH() {
        for (long seed = 1; ; seed++) {
            Questions qs = Questions.sample(TASK, 1, 8, 1, new Rng(seed));
            Transcript t = new Amplifier(TASK, new TruthModel(TASK, qs.contexts(), 1), new Counters(), 0)
                    .amplify(qs.contexts(), qs.questions(), h, 1, new Rng(1), Decoding.GREEDY).getFirst().getFirst();
            if (t.asked() >= 2 && t.asked() < TASK.slots()) {
                return t;
            }
        }
    }

    /** {@code t}'s first {@code keep} exchanges, then blanks to the last slot, then {@code answer}: H′'s form. */
    private static Transcript padded(Transcript t, int keep, int[] answer) {
        Transcript out = new Transcript(t.question(), TASK.slots());
        for (int k = 0; k < TASK.slots(); k++) {
            out.ask(k < keep ? t.subquestion(k) : new int[TASK.questionLength()]);
            out.reply(k < keep ? t.subanswer(k) : new int[TASK.answerLength()]);
        }
        out.finish(answer);
        return out;
    }

    @Test
    void shouldFindNoneInHsOwnTranscriptNorInHPrimesFormOfIt() {
        Transcript t = byH();
        assertThat(Deviation.of(h, t)).isNull();
        assertThat(Deviation.of(h, padded(t, t.asked(), t.answer()))).isNull();
    }

    @Test
    void shouldFindABlankWhereHStillAsksAndAWrongAnswer() {
        Transcript t = byH();
        Deviation early = Deviation.of(h, padded(t, 1, t.answer()));
        assertThat(early.step()).isEqualTo(1);
        assertThat(early.h()).isInstanceOfSatisfying(Action.Ask.class,
                a -> assertThat(a.subquestion()).isEqualTo(t.subquestion(1)));

        int[] wrong = t.answer();
        wrong[0] = wrong[0] == 1 ? 2 : 1;
        Deviation last = Deviation.of(h, padded(t, t.asked(), wrong));
        assertThat(last.step()).isEqualTo(TASK.slots());
        assertThat(last.h()).isInstanceOfSatisfying(Action.Answer.class,
                a -> assertThat(a.answer()).isEqualTo(t.answer()));
    }

    @Test
    void shouldFindAnotherSubquestion() {
        Transcript t = byH();
        Transcript other = new Transcript(t.question(), TASK.slots());
        other.ask(t.subquestion(1));
        other.reply(t.subanswer(1));
        other.finish(t.answer());
        Deviation d = Deviation.of(h, other);
        assertThat(d.step()).isZero();
        assertThat(d.h()).isInstanceOfSatisfying(Action.Ask.class,
                a -> assertThat(a.subquestion()).isEqualTo(t.subquestion(0)));
    }
}
