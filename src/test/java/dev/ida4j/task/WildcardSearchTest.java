package dev.ida4j.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.random.Rng;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WildcardSearchTest {
    private final Task task = new WildcardSearch();

    /** The sum over every completion of the pattern, looked up in the facts' text, clipped. */
    private static int bruteForce(String pattern, Map<String, Integer> values) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return values.getOrDefault(pattern, 0);
        }
        int sum = bruteForce(pattern.substring(0, star) + "a" + pattern.substring(star + 1), values)
                + bruteForce(pattern.substring(0, star) + "b" + pattern.substring(star + 1), values);
        return Math.clamp(sum, -32, 32);
    }

    @Test
    void shouldAgreeWithBruteForceOverCompletions() {
        Rng rng = new Rng(1);
        for (int round = 0; round < 100; round++) {
            Context c = task.sampleContext(2 + rng.nextInt(63), rng);
            Map<String, Integer> values = new HashMap<>();
            for (int i = 0; i < c.factCount(); i++) {
                String[] parts = task.factText(c.fact(i)).split(" ");
                assertThat(parts[1]).isIn("+1", "-1");
                assertThat(values.put(parts[0], Integer.parseInt(parts[1]))).as("distinct strings").isNull();
            }
            for (int i = 0; i < 50; i++) {
                int[] q = task.sampleQuestion(c, rng);
                String pattern = task.questionText(q);
                assertThat(task.answerText(task.truth(c, q))).isEqualTo(Integer.toString(bruteForce(pattern, values)));
            }
        }
    }

    @Test
    void shouldWriteTheSpecText() {
        int[] q = task.parseQuestion("aab*b*");
        assertThat(q).containsExactly(1, 1, 2, 3, 2, 3);
        assertThat(task.questionText(q)).isEqualTo("aab*b*");
        assertThat(task.factText(new int[] {1, 1, 2, 2, 1, 2, 37})).isEqualTo("aabbab +1");   // token 37 is 1
        assertThat(task.factText(new int[] {1, 2, 2, 2, 2, 1, 35})).isEqualTo("abbbba -1");
        for (String a : List.of("-3", "0", "5", "32", "-32")) {
            assertThat(task.answerText(task.parseAnswer(a))).isEqualTo(a);
        }
        assertThatThrownBy(() -> task.parseAnswer("33")).hasMessageContaining("'33'");
        assertThat(task.isPrimitive(task.parseQuestion("aabbab"))).isTrue();
        assertThat(task.vocabulary().size()).isEqualTo(69);
    }

    @Test
    void shouldSplitTheLeftmostWildcard() {
        List<String> asked = new ArrayList<>();
        int[] answer = task.overseer().answer(task.parseQuestion("a*b*ab"), sq -> {
            asked.add(task.questionText(sq));
            return task.parseAnswer(asked.size() == 1 ? "30" : "7");
        });
        assertThat(asked).containsExactly("aab*ab", "abb*ab");
        assertThat(task.answerText(answer)).isEqualTo("32");                                 // 37 clipped
    }

    @Test
    void shouldDrawEachWildcardCountAboutOneSixthOfTheTime() {
        Rng rng = new Rng(3);
        Context c = task.sampleContext(8, rng);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 60_000; i++) {
            counts.merge(task.questionClass(c, task.sampleQuestion(c, rng)), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("wilds1", "wilds2", "wilds3", "wilds4", "wilds5", "wilds6");
        counts.values().forEach(n -> assertThat(n).isBetween(9_000, 11_000));
    }
}
