package dev.ida4j.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.random.Rng;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SequentialAssignmentsTest {
    private static final Pattern LITERAL = Pattern.compile("([a-h]{2}) = ([0-7])");
    private static final Pattern DEFINED = Pattern.compile("([a-h]{2}) = f\\(([a-h]{2}), ([a-h]{2})\\)");
    private static final Pattern TABLE = Pattern.compile("f\\(([0-7]), ([0-7])\\) = ([0-7])");
    private final Task task = new SequentialAssignments();

    /** The program read back from the facts' text, evaluated by recursion. */
    private static final class Program {
        final Map<String, Integer> literal = new HashMap<>();
        final Map<String, String[]> defined = new HashMap<>();
        final Map<String, Integer> f = new HashMap<>();
        final List<String> order = new ArrayList<>();

        Program(Task task, Context c) {
            for (int i = 0; i < c.factCount(); i++) {
                String text = task.factText(c.fact(i));
                Matcher m;
                if ((m = LITERAL.matcher(text)).matches()) {
                    literal.put(m.group(1), Integer.parseInt(m.group(2)));
                    order.add(m.group(1));
                } else if ((m = DEFINED.matcher(text)).matches()) {
                    defined.put(m.group(1), new String[] {m.group(2), m.group(3)});
                    order.add(m.group(1));
                } else if ((m = TABLE.matcher(text)).matches()) {
                    assertThat(f.put(m.group(1) + m.group(2), Integer.parseInt(m.group(3)))).as(text).isNull();
                } else {
                    throw new AssertionError("unexpected fact " + text);
                }
            }
        }

        int value(String x) {
            if (literal.containsKey(x)) {
                return literal.get(x);
            }
            String[] ops = defined.get(x);
            return f.get("" + value(ops[0]) + value(ops[1]));
        }

        int depth(String x) {
            return literal.containsKey(x) ? 0 : 1 + Math.max(depth(defined.get(x)[0]), depth(defined.get(x)[1]));
        }
    }

    @Test
    void shouldAgreeWithEvaluatingTheProgramFromItsFacts() {
        Rng rng = new Rng(1);
        for (int round = 0; round < 50; round++) {
            int n = 2 + rng.nextInt(63);
            Context c = task.sampleContext(n, rng);
            Program p = new Program(task, c);
            assertThat(p.literal).hasSize((int) Math.sqrt(n));
            assertThat(p.order).hasSize(n);
            for (int i = 0; i < n; i++) {
                String x = p.order.get(i);
                assertThat(i < (int) Math.sqrt(n)).isEqualTo(p.literal.containsKey(x));
                if (!p.literal.containsKey(x)) {
                    assertThat(p.order.subList(0, i)).contains(p.defined.get(x));   // operands defined earlier
                }
                int[] q = task.parseQuestion(x + " = ?");
                assertThat(task.answerText(task.truth(c, q))).isEqualTo(Integer.toString(p.value(x)));
                assertThat(task.questionClass(c, q)).isEqualTo("depth" + p.depth(x));
            }
            assertThat(c.factCount()).isEqualTo(n + p.f.size()).isLessThanOrEqualTo(task.factCount(n));
        }
    }

    @Test
    void shouldWriteTheSpecText() {
        assertThat(task.factText(new int[] {1, 2, 12, 0, 0, 0})).isEqualTo("ab = 3");
        assertThat(task.factText(new int[] {1, 2, 3, 4, 5, 6})).isEqualTo("ab = f(cd, ef)");
        assertThat(task.factText(new int[] {12, 14, 11, 0, 0, 0})).isEqualTo("f(3, 5) = 2");
        assertThat(task.parseQuestion("ab = ?")).containsExactly(17, 1, 2);
        assertThat(task.parseQuestion("first ab")).containsExactly(18, 1, 2);
        assertThat(task.parseQuestion("second ab")).containsExactly(19, 1, 2);
        assertThat(task.parseQuestion("f(3, 5)")).containsExactly(12, 14, 0);
        for (String q : List.of("ab = ?", "first ab", "second ab", "f(3, 5)")) {
            assertThat(task.questionText(task.parseQuestion(q))).isEqualTo(q);
        }
        assertThat(task.answerText(new int[] {11, 0})).isEqualTo("2");
        assertThat(task.answerText(new int[] {3, 4})).isEqualTo("cd");
        assertThat(task.isPrimitive(task.parseQuestion("f(3, 5)"))).isTrue();
        assertThat(task.isPrimitive(task.parseQuestion("ab = ?"))).isFalse();
        assertThat(task.vocabulary().size()).isEqualTo(20);
    }

    @Test
    void shouldAskFiveSubquestionsForADefinedVariableAndOneForALiteral() {
        Rng rng = new Rng(2);
        Context c = task.sampleContext(16, rng);
        Program p = new Program(task, c);
        for (String x : p.order) {
            List<String> asked = new ArrayList<>();
            task.overseer().answer(task.parseQuestion(x + " = ?"), sq -> {
                asked.add(task.questionText(sq));
                return task.isPrimitive(sq) ? task.answerPrimitive(c, sq, rng) : task.truth(c, sq);
            });
            if (p.literal.containsKey(x)) {
                assertThat(asked).containsExactly("first " + x);
            } else {
                String[] ops = p.defined.get(x);
                assertThat(asked).containsExactly("first " + x, ops[0] + " = ?", "second " + x, ops[1] + " = ?",
                        "f(" + p.value(ops[0]) + ", " + p.value(ops[1]) + ")");
            }
        }
    }
}
