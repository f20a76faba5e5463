package dev.ida4j.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.random.Rng;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnionFindTest {
    private final Task task = new UnionFind();

    /** The forest read back from the facts' text, walked breadth-first from each root. */
    private static final class Forest {
        final Map<String, Set<String>> adjacent = new HashMap<>();
        final Map<String, String> parent = new HashMap<>();
        final Map<String, Integer> depth = new HashMap<>();
        final Map<String, Integer> value = new HashMap<>();
        int roots;
        int edges;

        Forest(Task task, Context c) {
            Map<String, Integer> rootValue = new HashMap<>();
            for (int i = 0; i < c.factCount(); i++) {
                String text = task.factText(c.fact(i));
                if (text.contains(" = ")) {
                    String[] e = text.split(" = ");
                    adjacent.computeIfAbsent(e[0], k -> new HashSet<>()).add(e[1]);
                    adjacent.computeIfAbsent(e[1], k -> new HashSet<>()).add(e[0]);
                    edges++;
                } else {
                    String[] r = text.split(" : ");
                    rootValue.put(r[0], Integer.parseInt(r[1]));
                    adjacent.computeIfAbsent(r[0], k -> new HashSet<>());
                    roots++;
                }
            }
            for (var root : rootValue.entrySet()) {
                ArrayDeque<String> queue = new ArrayDeque<>(List.of(root.getKey()));
                parent.put(root.getKey(), root.getKey());
                depth.put(root.getKey(), 0);
                while (!queue.isEmpty()) {
                    String u = queue.poll();
                    value.put(u, root.getValue());
                    for (String v : adjacent.get(u)) {
                        if (!parent.containsKey(v)) {
                            parent.put(v, u);
                            depth.put(v, depth.get(u) + 1);
                            queue.add(v);
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldAgreeWithWalkingEachTreeFromItsRoot() {
        Rng rng = new Rng(1);
        for (int round = 0; round < 100; round++) {
            int n = 2 + rng.nextInt(63);
            Context c = task.sampleContext(n, rng);
            Forest f = new Forest(task, c);
            assertThat(c.factCount()).isEqualTo(n);
            assertThat(f.adjacent).hasSize(n);
            assertThat(f.parent).as("every name reached from exactly one root").hasSize(n);
            assertThat(f.edges).isEqualTo(n - f.roots);                                     // a forest
            assertThat(new HashSet<>(f.value.values()).size()).isEqualTo(f.roots).isLessThanOrEqualTo((int) Math.sqrt(n));
            for (String x : f.adjacent.keySet()) {
                assertThat(task.answerText(task.truth(c, task.parseQuestion("value " + x))))
                        .isEqualTo(f.value.get(x).toString());
                assertThat(task.answerText(task.truth(c, task.parseQuestion("parent " + x)))).isEqualTo(f.parent.get(x));
                assertThat(task.answerText(task.truth(c, task.parseQuestion("depth " + x))))
                        .isEqualTo(f.depth.get(x).toString());
                assertThat(task.questionClass(c, task.parseQuestion("depth " + x))).isEqualTo("depth" + f.depth.get(x));
                assertThat(task.answerText(task.truth(c, task.parseQuestion("root " + x))))
                        .isEqualTo(f.depth.get(x) == 0 ? f.value.get(x).toString() : "?");
                for (String y : f.adjacent.keySet()) {
                    assertThat(task.answerText(task.truth(c, task.parseQuestion("edge " + x + " " + y))))
                            .isEqualTo(f.adjacent.get(x).contains(y) ? "yes" : "no");
                }
            }
        }
    }

    @Test
    void shouldAnswerNeighborWithEveryTreeNeighbourAtRandom() {
        Rng rng = new Rng(2);
        Context c = task.sampleContext(16, rng);
        Forest f = new Forest(task, c);
        for (String x : f.adjacent.keySet()) {
            Set<String> seen = new HashSet<>();
            int[] q = task.parseQuestion("neighbor " + x);
            for (int draw = 0; draw < 200; draw++) {
                int[] a = task.answerPrimitive(c, q, rng);
                seen.add(task.answerText(a));
                assertThat(task.isCorrect(c, q, a)).isTrue();
            }
            assertThat(seen).isEqualTo(f.adjacent.get(x).isEmpty() ? Set.of("none") : f.adjacent.get(x));
        }
    }

    @Test
    void shouldWriteTheSpecText() {
        assertThat(task.factText(new int[] {1, 2, 3, 4})).isEqualTo("ab = cd");
        assertThat(task.factText(new int[] {1, 2, 12, 0})).isEqualTo("ab : 3");
        for (String q : List.of("value ab", "parent ab", "depth ab", "root ab", "neighbor ab", "edge ab cd")) {
            assertThat(task.questionText(task.parseQuestion(q))).isEqualTo(q);
        }
        assertThat(task.parseQuestion("edge ab cd")).containsExactly(1, 2, 3, 4);
        assertThat(task.parseQuestion("value ab")).containsExactly(73, 1, 2, 0);
        for (String a : List.of("3", "12", "63", "ab", "yes", "no", "none")) {
            assertThat(task.answerText(task.parseAnswer(a))).isEqualTo(a);
        }
        assertThat(task.vocabulary().size()).isEqualTo(81);
    }

    @Test
    void shouldDrawValueParentAndDepthAboutOneThirdOfTheTimeEach() {
        Rng rng = new Rng(3);
        Context c = task.sampleContext(64, rng);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            counts.merge(task.questionClass(c, task.sampleQuestion(c, rng)).replaceAll("\\d", ""), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("value", "parent", "depth");
        counts.values().forEach(n -> assertThat(n).isBetween(9_400, 10_600));
    }

    @Test
    void shouldDropUnverifiedProposalsAndPickTheShallowestCandidateAsParent() {
        Rng rng = new Rng(4);
        Context c = task.sampleContext(64, rng);
        Forest f = new Forest(task, c);
        String x = f.depth.entrySet().stream().filter(e -> e.getValue() >= 2).findFirst().orElseThrow().getKey();
        String parent = f.parent.get(x);
        String grandparent = f.parent.get(parent);                                        // not adjacent to x
        List<String> asked = new ArrayList<>();
        int[] answer = task.overseer().answer(task.parseQuestion("parent " + x), sq -> {
            String text = task.questionText(sq);
            asked.add(text);
            return text.startsWith("parent") ? task.parseAnswer(grandparent)             // both proposals wrong
                    : text.startsWith("neighbor") ? task.parseAnswer(parent) : task.truth(c, sq);
        });
        assertThat(asked).containsExactly("root " + x, "parent " + x, "edge " + x + " " + grandparent,
                "parent " + x, "edge " + x + " " + grandparent, "neighbor " + x, "depth " + parent);
        assertThat(task.answerText(answer)).isEqualTo(parent);
    }
}
