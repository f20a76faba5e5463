package dev.ida4j.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.random.Rng;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShortestPathTest {
    private static final int INF = Integer.MAX_VALUE / 2;
    private final Task task = new ShortestPath();

    /** The graph read back from the facts' text, with Floyd-Warshall distances (diagonal not zeroed). */
    private static final class Graph {
        final List<String> names = new ArrayList<>();
        final boolean[][] edge;
        final int[][] dist;

        Graph(Task task, Context c) {
            List<String[]> edges = new ArrayList<>();
            for (int i = 0; i < c.factCount(); i++) {
                String[] e = task.factText(c.fact(i)).split(" -> ");
                edges.add(e);
                for (String v : e) {
                    if (!names.contains(v)) {
                        names.add(v);
                    }
                }
            }
            int n = names.size();
            edge = new boolean[n][n];
            dist = new int[n][n];
            for (int[] row : dist) {
                java.util.Arrays.fill(row, INF);
            }
            for (String[] e : edges) {
                edge[names.indexOf(e[0])][names.indexOf(e[1])] = true;
                dist[names.indexOf(e[0])][names.indexOf(e[1])] = 1;
            }
            for (int k = 0; k < n; k++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        dist[i][j] = Math.min(dist[i][j], dist[i][k] + dist[k][j]);
                    }
                }
            }
        }

        String distText(int i, int j) {
            return dist[i][j] >= 13 ? "inf" : Integer.toString(dist[i][j]);
        }
    }

    @Test
    void shouldAgreeWithFloydWarshallOnEveryPair() {
        Rng rng = new Rng(1);
        for (int round = 0; round < 40; round++) {
            int n = 2 + rng.nextInt(63);
            Context c = task.sampleContext(n, rng);
            assertThat(c.factCount()).isEqualTo(2 * n);
            Graph g = new Graph(task, c);
            for (int i = 0; i < g.names.size(); i++) {
                for (int j = 0; j < g.names.size(); j++) {
                    String pair = g.names.get(i) + " " + g.names.get(j);
                    assertThat(task.answerText(task.truth(c, task.parseQuestion("dist " + pair))))
                            .as("dist " + pair).isEqualTo(g.distText(i, j));
                    assertThat(task.answerText(task.truth(c, task.parseQuestion("edge " + pair))))
                            .isEqualTo(g.edge[i][j] ? "yes" : "no");
                    String next = task.answerText(task.truth(c, task.parseQuestion("next " + pair)));
                    if (g.dist[i][j] >= 13) {
                        assertThat(next).isEqualTo("inf");
                    } else {
                        int k = g.names.indexOf(next);
                        assertThat(g.edge[i][k]).isTrue();
                        assertThat(k == j || g.dist[k][j] == g.dist[i][j] - 1).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void shouldGradeNextByValidityAndPickTheAlphabeticallyFirstAsTruth() {
        Rng rng = new Rng(2);
        int pairsWithChoice = 0;
        for (int round = 0; round < 20; round++) {
            Context c = task.sampleContext(32, rng);
            Graph g = new Graph(task, c);
            for (int i = 0; i < g.names.size(); i++) {
                for (int j = 0; j < g.names.size(); j++) {
                    int[] q = task.parseQuestion("next " + g.names.get(i) + " " + g.names.get(j));
                    List<String> valid = new ArrayList<>();
                    for (int k = 0; k < g.names.size(); k++) {
                        boolean ok = g.dist[i][j] < 13 && g.edge[i][k] && (k == j || g.dist[k][j] == g.dist[i][j] - 1);
                        assertThat(task.isCorrect(c, q, task.parseAnswer(g.names.get(k)))).isEqualTo(ok);
                        if (ok) {
                            valid.add(g.names.get(k));
                        }
                    }
                    if (!valid.isEmpty()) {
                        assertThat(task.answerText(task.truth(c, q))).isEqualTo(valid.stream().sorted().findFirst().get());
                    }
                    pairsWithChoice += valid.size() > 1 ? 1 : 0;
                }
            }
        }
        assertThat(pairsWithChoice).isPositive();
    }

    @Test
    void shouldAnswerNeighborWithEveryOutNeighbourAtRandom() {
        Rng rng = new Rng(3);
        Context c = task.sampleContext(16, rng);
        Graph g = new Graph(task, c);
        for (int i = 0; i < g.names.size(); i++) {
            Set<String> expected = new HashSet<>();
            for (int k = 0; k < g.names.size(); k++) {
                if (g.edge[i][k]) {
                    expected.add(g.names.get(k));
                }
            }
            Set<String> seen = new HashSet<>();
            int[] q = task.parseQuestion("neighbor " + g.names.get(i));
            for (int draw = 0; draw < 200; draw++) {
                seen.add(task.answerText(task.answerPrimitive(c, q, rng)));
            }
            assertThat(seen).isEqualTo(expected.isEmpty() ? Set.of("none") : expected);
        }
    }

    /** H's answer to {@code next ab cd} when the proposals are ef and gh (both edges), and every dist is {@code dist}. */
    private int[] nextWhenEveryDistanceIs(String dist) {
        return task.overseer().answer(task.parseQuestion("next ab cd"), sq -> {
            String q = task.questionText(sq);
            if (q.startsWith("edge ab cd")) {
                return task.parseAnswer("no");
            }
            if (q.startsWith("edge")) {
                return task.parseAnswer("yes");
            }
            if (q.startsWith("next")) {
                return task.parseAnswer("ef");
            }
            if (q.startsWith("neighbor")) {
                return task.parseAnswer("gh");
            }
            return task.parseAnswer(dist);
        });
    }

    @Test
    void shouldAnswerNextWithInfOnlyWhenEveryCandidatesDistanceIsKnown() {
        assertThat(task.answerText(nextWhenEveryDistanceIs("3"))).isEqualTo("ef");
        assertThat(task.answerText(nextWhenEveryDistanceIs("inf"))).isEqualTo("inf");
        assertThat(task.answerText(nextWhenEveryDistanceIs("?"))).as("an unknown distance").isEqualTo("?");
    }

    @Test
    void shouldWriteTheSpecText() {
        for (String q : List.of("dist ab cd", "next ab cd", "edge ab cd", "neighbor ab")) {
            assertThat(task.questionText(task.parseQuestion(q))).isEqualTo(q);
        }
        assertThat(task.parseQuestion("dist ab cd")).containsExactly(22, 1, 2, 3, 4);
        assertThat(task.parseQuestion("neighbor ab")).containsExactly(25, 1, 2, 0, 0);
        assertThat(task.factText(new int[] {1, 2, 3, 4})).isEqualTo("ab -> cd");
        for (String a : List.of("1", "12", "inf", "ab", "yes", "no", "none")) {
            assertThat(task.answerText(task.parseAnswer(a))).isEqualTo(a);
        }
        assertThat(task.vocabulary().size()).isEqualTo(29);
    }

    @Test
    void shouldDrawDistAndNextHalfTheTimeEach() {
        Rng rng = new Rng(4);
        Context c = task.sampleContext(64, rng);
        int dist = 0;
        for (int i = 0; i < 20_000; i++) {
            dist += task.questionClass(c, task.sampleQuestion(c, rng)).startsWith("dist") ? 1 : 0;
        }
        assertThat(dist).isBetween(9_500, 10_500);
    }
}
