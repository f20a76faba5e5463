package dev.ida4j.overseer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.random.Rng;
import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoisyOverseerTest {
    private final Task task = Tasks.byName("permutation-powering");

    /** Final answers of {@code overseer} on {@code n} questions, subanswers from the truth. */
    private int[][] answers(Overseer overseer, int n) {
        Rng rng = new Rng(11);
        int[][] answers = new int[n][];
        Action[] out = new Action[1];
        for (int i = 0; i < n; i++) {
            Context c = task.sampleContext(16, rng);
            Transcript t = new Transcript(task.sampleQuestion(c, rng), overseer.slots());
            while (!t.isDone()) {
                overseer.next(List.of(t), out);
                t.apply(out[0]);
                if (out[0] instanceof Action.Ask(int[] sq)) {
                    t.reply(task.isPrimitive(sq) ? task.answerPrimitive(c, sq, rng) : task.truth(c, sq));
                }
            }
            answers[i] = task.isCorrect(c, t.question(), t.answer()) ? new int[] {1} : t.answer();
        }
        return answers;
    }

    @Test
    void shouldChangeNothingAtZero() {
        Overseer clean = new ScriptOverseer(task);
        int[][] expected = answers(clean, 2_000);
        int[][] got = answers(new NoisyOverseer(clean, task, 0, new Rng(1)), 2_000);
        assertThat(got).isDeepEqualTo(expected);
        assertThat(Arrays.stream(got).filter(a -> a.length == 1).count()).isEqualTo(2_000);
    }

    @Test
    void shouldReplaceEveryAnswerAtOneHalfByBlanksHalfByRandomAnswers() {
        int[][] got = answers(new NoisyOverseer(new ScriptOverseer(task), task, 1, new Rng(1)), 4_000);
        long right = Arrays.stream(got).filter(a -> a.length == 1).count();
        long blank = Arrays.stream(got).filter(a -> a.length == 2 && a[0] == 0 && a[1] == 0).count();
        assertThat(right).as("right only by chance: 1 in 64 of the random half").isLessThan(100);
        assertThat(blank).isBetween(1_850L, 2_150L);
        assertThat(4_000 - right - blank).as("well-formed random names").isBetween(1_750L, 2_150L);
    }

    @Test
    void shouldRefuseAProbabilityOutsideZeroToOne() {
        assertThatThrownBy(() -> new NoisyOverseer(new ScriptOverseer(task), task, 1.5, new Rng(1)))
                .hasMessage("noise probability must be in [0, 1], got 1.5");
    }

    @Test
    void shouldKeepTheInnerSlotsAndSayItIsNoisyInItsName() {
        Overseer noisy = new NoisyOverseer(new ScriptOverseer(task), task, 0.25, new Rng(1));
        assertThat(noisy.slots()).isEqualTo(3);
        assertThat(noisy.name()).isEqualTo("permutation-powering+noise0.25");
    }
}
