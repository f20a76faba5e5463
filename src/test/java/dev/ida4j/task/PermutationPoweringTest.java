package dev.ida4j.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.random.Rng;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PermutationPoweringTest {
    private final Task task = new PermutationPowering();

    /** σ read back from the facts' text. */
    private static Map<String, String> sigma(Task task, Context c) {
        Map<String, String> sigma = new HashMap<>();
        for (int i = 0; i < c.factCount(); i++) {
            String[] parts = task.factText(c.fact(i)).split(" -> ");
            sigma.put(parts[0], parts[1]);
        }
        return sigma;
    }

    @Test
    void shouldAgreeWithPowersTakenModuloTheCycleLength() {
        Rng rng = new Rng(1);
        for (int round = 0; round < 20; round++) {
            Context c = task.sampleContext(2 + rng.nextInt(63), rng);
            Map<String, String> sigma = sigma(task, c);
            assertThat(sigma).hasSize(c.size());
            assertThat(sigma.values()).containsExactlyInAnyOrderElementsOf(sigma.keySet());
            for (String x : sigma.keySet()) {
                List<String> cycle = new ArrayList<>(List.of(x));
                for (String y = sigma.get(x); !y.equals(x); y = sigma.get(y)) {
                    cycle.add(y);
                }
                for (int k = 0; k < 64; k++) {
                    int[] q = task.parseQuestion(x + " ^ " + k);
                    assertThat(task.answerText(task.truth(c, q))).isEqualTo(cycle.get(k % cycle.size()));
                }
            }
        }
    }

    @Test
    void shouldWriteTheSpecText() {
        assertThat(task.factText(new int[] {1, 2, 3, 4})).isEqualTo("ab -> cd");
        int[] q = task.parseQuestion("ab ^ 13");
        assertThat(q).containsExactly(1, 2, 9, 9, 10, 10, 9, 10);       // 13 = 001101, bits as tokens 0 = 9, 1 = 10
        assertThat(task.questionText(q)).isEqualTo("ab ^ 13");
        assertThat(task.answerText(new int[] {3, 4})).isEqualTo("cd");
        assertThat(task.parseAnswer("hh")).containsExactly(8, 8);
        assertThatThrownBy(() -> task.parseQuestion("ab ^ 64")).hasMessageContaining("'ab ^ 64'");
        assertThat(task.vocabulary().size()).isEqualTo(11);
    }

    @Test
    void shouldCallOnlyExponentsZeroAndOnePrimitive() {
        assertThat(task.isPrimitive(task.parseQuestion("ab ^ 0"))).isTrue();
        assertThat(task.isPrimitive(task.parseQuestion("ab ^ 1"))).isTrue();
        assertThat(task.isPrimitive(task.parseQuestion("ab ^ 2"))).isFalse();
    }

    @Test
    void shouldHalveTheExponentAndStepOnceWhenOdd() {
        Rng rng = new Rng(2);
        Context c = task.sampleContext(16, rng);
        String x = sigma(task, c).keySet().iterator().next();
        List<String> asked = new ArrayList<>();
        int[] answer = task.overseer().answer(task.parseQuestion(x + " ^ 13"), sq -> {
            asked.add(task.questionText(sq));
            return task.truth(c, sq);
        });
        String y = task.answerText(task.truth(c, task.parseQuestion(x + " ^ 6")));
        String z = task.answerText(task.truth(c, task.parseQuestion(y + " ^ 6")));
        assertThat(asked).containsExactly(x + " ^ 6", y + " ^ 6", z + " ^ 1");
        assertThat(task.answerText(answer)).isEqualTo(task.answerText(task.truth(c, task.parseQuestion(x + " ^ 13"))));
        assertThat(task.overseer().answer(task.parseQuestion(x + " ^ 4"), sq -> new int[] {0, 1})).containsExactly(0, 0);
    }

    @Test
    void shouldDrawEachBitLengthTwoToSixAboutOneFifthOfTheTime() {
        Rng rng = new Rng(3);
        Context c = task.sampleContext(8, rng);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            counts.merge(task.questionClass(c, task.sampleQuestion(c, rng)), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("bits2", "bits3", "bits4", "bits5", "bits6");
        counts.values().forEach(n -> assertThat(n).isBetween(9_000, 11_000));
    }
}
