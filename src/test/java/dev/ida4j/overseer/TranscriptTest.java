package dev.ida4j.overseer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import org.junit.jupiter.api.Test;

class TranscriptTest {
    private final Task task = Tasks.byName("permutation-powering");

    @Test
    void shouldRenderInTheTasksText() {
        Transcript t = new Transcript(task.parseQuestion("ab ^ 5"), 3);
        t.ask(task.parseQuestion("ab ^ 2"));
        t.reply(task.parseAnswer("cd"));
        t.ask(task.parseQuestion("cd ^ 2"));
        assertThat(t.render(task)).isEqualTo("Q: ab ^ 5\n  ab ^ 2 -> cd\n  cd ^ 2 -> …\nA: …\n");
        t.reply(task.parseAnswer("ef"));
        t.finish(task.parseAnswer("ef"));
        assertThat(t.render(task)).isEqualTo("Q: ab ^ 5\n  ab ^ 2 -> cd\n  cd ^ 2 -> ef\nA: ef\n");
        assertThat(t.isDone()).isTrue();
        assertThat(t.asked()).isEqualTo(2);
    }

    @Test
    void shouldTellWhetherTheLastSubquestionWasAskedBefore() {
        Transcript t = new Transcript(task.parseQuestion("ab ^ 5"), 3);
        t.ask(task.parseQuestion("ab ^ 2"));
        assertThat(t.askedBefore(task.parseQuestion("ab ^ 2"))).as("only itself so far").isFalse();
        t.reply(task.parseAnswer("cd"));
        t.ask(task.parseQuestion("cd ^ 2"));
        assertThat(t.askedBefore(task.parseQuestion("cd ^ 2"))).isFalse();
        t.reply(task.parseAnswer("ef"));
        t.ask(task.parseQuestion("ab ^ 2"));
        assertThat(t.askedBefore(task.parseQuestion("ab ^ 2"))).isTrue();
    }

    @Test
    void shouldCopyArraysInAndOut() {
        int[] q = task.parseQuestion("ab ^ 5");
        Transcript t = new Transcript(q, 3);
        q[0] = 8;
        t.question()[1] = 8;
        assertThat(task.questionText(t.question())).isEqualTo("ab ^ 5");
    }

    @Test
    void shouldRefuseOutOfOrderRecords() {
        Transcript t = new Transcript(new int[] {1}, 1);
        assertThatThrownBy(() -> t.reply(new int[] {1})).hasMessage("no subquestion awaits a subanswer");
        assertThatThrownBy(t::answer).isInstanceOf(IllegalStateException.class);
        t.ask(new int[] {2});
        assertThatThrownBy(() -> t.finish(new int[] {3})).hasMessageContaining("subquestion 0 awaits its subanswer");
        t.reply(new int[] {4});
        assertThatThrownBy(() -> t.ask(new int[] {5})).hasMessage("all 1 subquestion slots are used");
        t.finish(new int[] {6});
        assertThatThrownBy(() -> t.finish(new int[] {6})).hasMessageContaining("the transcript is done");
    }
}
