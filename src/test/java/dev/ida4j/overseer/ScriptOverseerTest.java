package dev.ida4j.overseer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.random.Rng;
import dev.ida4j.task.Context;
import dev.ida4j.task.Script;
import dev.ida4j.task.Subquestions;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptOverseerTest {
    /** Asks [i] until a subanswer is 0, then answers the sum of the subanswers. */
    private static final Script COUNTDOWN = (question, ask) -> {
        int sum = 0;
        for (int i = 0; ; i++) {
            int a = ask.ask(new int[] {i})[0];
            if (a == 0) {
                return new int[] {sum};
            }
            sum += a;
        }
    };

    /** Drives one transcript to the end, one decision per call, subanswers from {@code reply}. */
    private static Transcript drive(Overseer overseer, int[] question, Subquestions reply) {
        Transcript t = new Transcript(question, overseer.slots());
        Action[] out = new Action[1];
        while (!t.isDone()) {
            overseer.next(List.of(t), out);
            t.apply(out[0]);
            if (out[0] instanceof Action.Ask(int[] sq)) {
                t.reply(reply.ask(sq));
            }
        }
        return t;
    }

    @Test
    void shouldReplayToTheSameSubquestionsAndAnswerAsADirectRun() {
        for (String name : List.of("shortest-path", "union-find", "sequential-assignments")) {
            Task task = Tasks.byName(name);
            Rng rng = new Rng(9);
            for (int round = 0; round < 200; round++) {
                Context c = task.sampleContext(16, rng);
                int[] q = task.sampleQuestion(c, rng);
                long seed = rng.nextLong();
                Rng direct = new Rng(seed);                 // the same random neighbours for both runs
                List<int[]> asked = new ArrayList<>();
                int[] answer = task.overseer().answer(q, sq -> {
                    asked.add(sq);
                    return task.isPrimitive(sq) ? task.answerPrimitive(c, sq, direct) : task.randomAnswer(sq, direct);
                });
                Rng replayed = new Rng(seed);
                Transcript t = drive(new ScriptOverseer(task), q,
                        sq -> task.isPrimitive(sq) ? task.answerPrimitive(c, sq, replayed) : task.randomAnswer(sq, replayed));
                assertThat(t.asked()).isEqualTo(asked.size());
                for (int i = 0; i < asked.size(); i++) {
                    assertThat(t.subquestion(i)).isEqualTo(asked.get(i));
                }
                assertThat(t.answer()).isEqualTo(answer);
            }
        }
    }

    @Test
    void shouldDecideForEachTranscriptOfABatch() {
        ScriptOverseer h = new ScriptOverseer("countdown", 5, COUNTDOWN);
        Transcript fresh = new Transcript(new int[] {0}, 5);
        Transcript twoAsked = new Transcript(new int[] {0}, 5);
        twoAsked.ask(new int[] {0});
        twoAsked.reply(new int[] {3});
        twoAsked.ask(new int[] {1});
        twoAsked.reply(new int[] {0});
        Action[] out = new Action[2];
        h.next(List.of(fresh, twoAsked), out);
        assertThat(out[0]).isInstanceOfSatisfying(Action.Ask.class, a -> assertThat(a.subquestion()).containsExactly(0));
        assertThat(out[1]).isInstanceOfSatisfying(Action.Answer.class, a -> assertThat(a.answer()).containsExactly(3));
    }

    @Test
    void shouldRefuseAnAskBeyondTheSlots() {
        ScriptOverseer h = new ScriptOverseer("countdown", 2, COUNTDOWN);
        assertThatThrownBy(() -> drive(h, new int[] {7}, sq -> new int[] {1}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("overseer 'countdown' asked more than its 2 subquestions on [7]");
    }

    @Test
    void shouldRefuseAScriptThatAsksDifferentlyOnReplay() {
        int[] calls = {0};
        ScriptOverseer h = new ScriptOverseer("fickle", 3, (q, ask) -> {
            ask.ask(new int[] {calls[0]++});
            return ask.ask(new int[] {9});
        });
        assertThatThrownBy(() -> drive(h, new int[] {1}, sq -> new int[] {1}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not deterministic");
    }

    @Test
    void shouldRefuseTranscriptsThatAreDoneOrAwaitingASubanswer() {
        ScriptOverseer h = new ScriptOverseer("countdown", 5, COUNTDOWN);
        Transcript waiting = new Transcript(new int[] {0}, 5);
        waiting.ask(new int[] {0});
        assertThatThrownBy(() -> h.next(List.of(waiting), new Action[1])).hasMessageContaining("awaiting a subanswer");
        Transcript done = new Transcript(new int[] {0}, 5);
        done.finish(new int[] {1});
        assertThatThrownBy(() -> h.next(List.of(done), new Action[1])).hasMessageContaining("is done");
        assertThatThrownBy(() -> h.next(List.of(new Transcript(new int[] {0}, 5)), new Action[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNameTheTaskAndShowQuestionsInItsText() {
        Task task = Tasks.byName("permutation-powering");
        ScriptOverseer h = new ScriptOverseer(task);
        assertThat(h.name()).isEqualTo("permutation-powering");
        assertThat(h.slots()).isEqualTo(3);
        Transcript done = new Transcript(task.parseQuestion("ab ^ 5"), 3);
        done.finish(new int[2]);
        assertThatThrownBy(() -> h.next(List.of(done), new Action[1])).hasMessageContaining("ab ^ 5");
    }
}
