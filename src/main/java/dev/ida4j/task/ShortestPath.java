package dev.ida4j.task;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shortest path (the paper's "graph", reference {@code GraphTask}): 2n directed edges drawn with replacement over n
 * vertices. {@code dist x y} counts the edges of a shortest walk with at least one edge (so {@code dist x x} is the
 * shortest cycle through x), 13 or more or none being {@code inf}; {@code next x y} asks for an out-neighbour one step
 * closer to y and is graded by validity. Primitive: {@code edge x y} and {@code neighbor x} (a random out-edge's
 * head). H proposes, verifies and selects, as in the reference.
 *
 * <p>Deviation from the reference vocabulary (27): distances are 1..12 (a walk has at least one edge, so no 0), and
 * {@code yes}, {@code no}, {@code none} are tokens of their own, so that "no edge" is not the blank {@code ?}.
 *
 * <pre>
 * vocabulary (29): ? a..h 1..12 inf dist next edge neighbor yes no none
 * fact (4)      x1 x2 y1 y2                  x -> y
 * question (5)  dist x1 x2 y1 y2             dist x y       (also next, edge)
 *               neighbor x1 x2 ? ?           neighbor x
 * answer (2)    d ? / inf ? / yes ? / no ? / none ?  or  c1 c2
 * </pre>
 */
public final class ShortestPath extends BuiltInTask {
    private static final String NAME = "shortest-path";
    /** Distances of 13 or more, and no walk at all, are {@code inf}. */
    private static final int INF = 13;
    private static final int FAR = 3;   // the difficulty of every pair at distance 3 or more
    private static final Vocabulary VOCABULARY = Names.vocabulary(List.of("1", "2", "3", "4", "5", "6", "7", "8",
            "9", "10", "11", "12", "inf", "dist", "next", "edge", "neighbor", "yes", "no", "none"));
    private static final int DISTANCE1 = VOCABULARY.id("1");
    private static final int INF_TOKEN = VOCABULARY.id("inf");
    private static final int DIST = VOCABULARY.id("dist");
    private static final int NEXT = VOCABULARY.id("next");
    private static final int EDGE = VOCABULARY.id("edge");
    private static final int NEIGHBOR = VOCABULARY.id("neighbor");
    private static final int YES = VOCABULARY.id("yes");
    private static final int NO = VOCABULARY.id("no");
    private static final int NONE = VOCABULARY.id("none");
    private static final Pattern QUESTION = Pattern.compile("(dist|next|edge) ([a-h]{2}) ([a-h]{2})|neighbor ([a-h]{2})");

    /** The graph over vertex positions 0..n-1: out-edges (duplicates kept), adjacency and all distances. */
    private static final class Instance extends NamedContext {
        final int[][] out;
        final boolean[] edge;
        final int[] dist;

        Instance(int n, RandomGenerator rng) {
            super(n, rng);
            facts = new int[2 * n][4];
            int[] from = new int[2 * n];
            int[] to = new int[2 * n];
            int[] degree = new int[n];
            edge = new boolean[n * n];
            for (int e = 0; e < 2 * n; e++) {
                from[e] = rng.nextInt(n);
                to[e] = rng.nextInt(n);
                degree[from[e]]++;
                edge[from[e] * n + to[e]] = true;
                Names.put(names[from[e]], facts[e], 0);
                Names.put(names[to[e]], facts[e], 2);
            }
            out = new int[n][];
            for (int v = 0; v < n; v++) {
                out[v] = new int[degree[v]];
                degree[v] = 0;
            }
            for (int e = 0; e < 2 * n; e++) {
                out[from[e]][degree[from[e]]++] = to[e];
            }
            dist = new int[n * n];
            int[] queue = new int[n];
            for (int x = 0; x < n; x++) {
                distancesFrom(x, queue);
            }
        }

        /** Breadth-first search seeded with x's out-neighbours at distance 1, so that x itself counts only on a cycle. */
        private void distancesFrom(int x, int[] queue) {
            int n = names.length;
            Arrays.fill(dist, x * n, x * n + n, INF);
            int tail = 0;
            for (int c : out[x]) {
                if (dist[x * n + c] == INF) {
                    dist[x * n + c] = 1;
                    queue[tail++] = c;
                }
            }
            for (int head = 0; head < tail; head++) {
                int u = queue[head];
                int next = dist[x * n + u] + 1;
                for (int v : out[u]) {
                    if (next < INF && dist[x * n + v] == INF) {
                        dist[x * n + v] = next;
                        queue[tail++] = v;
                    }
                }
            }
        }

        int distance(int x, int y) {
            return dist[x * names.length + y];
        }

        boolean hasEdge(int x, int y) {
            return edge[x * names.length + y];
        }
    }

    public ShortestPath() {
        super(NAME, VOCABULARY, 4, 5, 2, 9);
    }

    @Override
    public int factCount(int size) {
        TaskSupport.checkSize(NAME, size);
        return 2 * size;
    }

    @Override
    public Context sampleContext(int size, RandomGenerator rng) {
        TaskSupport.checkSize(NAME, size);
        return new Instance(size, rng);
    }

    @Override
    public int[] sampleQuestion(Context context, RandomGenerator rng) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int type = rng.nextBoolean() ? DIST : NEXT;
        return question(type, c.names[rng.nextInt(c.names.length)], c.names[rng.nextInt(c.names.length)]);
    }

    private static int[] question(int type, int x, int y) {
        int[] q = new int[5];
        q[0] = type;
        Names.put(x, q, 1);
        if (y >= 0) {
            Names.put(y, q, 3);
        }
        return q;
    }

    /** The type token of a well-formed question, else -1. */
    private static int type(int[] q) {
        if (q.length != 5 || Names.get(q, 1) < 0) {
            return -1;
        }
        if (q[0] == NEIGHBOR) {
            return q[3] == 0 && q[4] == 0 ? NEIGHBOR : -1;
        }
        return (q[0] == DIST || q[0] == NEXT || q[0] == EDGE) && Names.get(q, 3) >= 0 ? q[0] : -1;
    }

    private int checked(int[] question) {
        int type = type(question);
        if (type < 0) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "malformed question");
        }
        return type;
    }

    private static int[] token(int t) {
        return new int[] {t, 0};
    }

    private static int[] distanceAnswer(int d) {
        return token(d >= INF ? INF_TOKEN : DISTANCE1 + d - 1);
    }

    /** The distance an answer holds (1..12, or {@link #INF}), else -1. */
    private static int distanceOf(int[] answer) {
        if (answer.length != 2 || answer[1] != 0) {
            return -1;
        }
        int d = answer[0] - DISTANCE1 + 1;
        return answer[0] == INF_TOKEN ? INF : d >= 1 && d < INF ? d : -1;
    }

    private static boolean isToken(int[] answer, int t) {
        return answer.length == 2 && answer[0] == t && answer[1] == 0;
    }

    @Override
    public boolean isPrimitive(int[] question) {
        int type = type(question);
        return type == EDGE || type == NEIGHBOR;
    }

    @Override
    public int[] answerPrimitive(Context context, int[] question, RandomGenerator rng) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        if (!isPrimitive(question)) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "not primitive (edge x y, neighbor x)");
        }
        int x = c.index[Names.get(question, 1)];
        if (type(question) == EDGE || x < 0) {
            return truth(context, question);
        }
        int[] heads = c.out[x];
        return heads.length == 0 ? token(NONE) : Names.answer(c.names[heads[rng.nextInt(heads.length)]]);
    }

    @Override
    public int[] truth(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int type = type(question);
        int x = type < 0 ? -1 : c.index[Names.get(question, 1)];
        int y = type < 0 || type == NEIGHBOR ? -1 : c.index[Names.get(question, 3)];
        if (x < 0 || (type != NEIGHBOR && y < 0)) {
            return new int[2];
        }
        if (type == DIST) {
            return distanceAnswer(c.distance(x, y));
        }
        if (type == EDGE) {
            return token(c.hasEdge(x, y) ? YES : NO);
        }
        int first = -1;                                              // the alphabetically first valid head
        for (int h : c.out[x]) {
            boolean valid = type == NEIGHBOR || h == y || c.distance(h, y) == c.distance(x, y) - 1;
            if (valid && (first < 0 || c.names[h] < c.names[first])) {
                first = h;
            }
        }
        if (type == NEXT && c.distance(x, y) == INF) {
            return token(INF_TOKEN);
        }
        return first < 0 ? token(NONE) : Names.answer(c.names[first]);
    }

    @Override
    public boolean isCorrect(Context context, int[] question, int[] answer) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int type = type(question);
        if (type != NEXT && type != NEIGHBOR) {
            return TaskSupport.matches(truth(context, question), answer);
        }
        int[] truth = truth(context, question);
        int head = Names.ofAnswer(answer) < 0 ? -1 : c.index[Names.ofAnswer(answer)];
        int truthHead = Names.ofAnswer(truth);
        if (truthHead < 0 || head < 0) {                              // no valid head: exact match (inf, none, ?)
            return TaskSupport.matches(truth, answer);
        }
        int x = c.index[Names.get(question, 1)];
        if (!c.hasEdge(x, head)) {
            return false;
        }
        if (type == NEIGHBOR) {
            return true;
        }
        int y = c.index[Names.get(question, 3)];
        return head == y || c.distance(head, y) == c.distance(x, y) - 1;
    }

    @Override
    public String questionClass(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int type = checked(question);
        if (type == EDGE || type == NEIGHBOR) {
            return VOCABULARY.text(type);
        }
        int x = c.index[Names.get(question, 1)];
        int y = c.index[Names.get(question, 3)];
        if (x < 0 || y < 0) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "no such vertex in the context");
        }
        return VOCABULARY.text(type) + bucket(c.distance(x, y));
    }

    @Override
    public int difficulty(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int type = type(question);
        if (type != DIST && type != NEXT) {
            return 0;
        }
        int x = c.index[Names.get(question, 1)];
        int y = c.index[Names.get(question, 3)];
        return x < 0 || y < 0 ? 0 : Math.min(c.distance(x, y), FAR);
    }

    /**
     * Distances 1 and 2, then every farther or unreachable pair together: climbing distance by distance up to 12 and
     * {@code inf} cost the supervised baseline half its accuracy in 4,000 steps at size 8 (benchmarks/RESULTS.md).
     */
    @Override
    public int difficulties(int size) {
        return FAR;
    }

    private static String bucket(int d) {
        return d <= 2 ? Integer.toString(d) : d <= 4 ? "3-4" : d <= 8 ? "5-8" : d < INF ? "9-12" : "inf";
    }

    @Override
    public int[] randomAnswer(int[] question, RandomGenerator rng) {
        int type = checked(question);
        if (type == DIST) {
            return distanceAnswer(1 + rng.nextInt(INF));
        }
        if (type == EDGE) {
            return token(rng.nextBoolean() ? YES : NO);
        }
        int pick = rng.nextInt(Names.COUNT + 1);
        return pick < Names.COUNT ? Names.answer(pick) : token(type == NEXT ? INF_TOKEN : NONE);
    }

    @Override
    public Script overseer() {
        return ShortestPath::oversee;
    }

    private static int[] oversee(int[] question, Subquestions ask) {
        int type = type(question);
        if (type != DIST && type != NEXT) {
            return new int[2];
        }
        int x = Names.get(question, 1);
        int y = Names.get(question, 3);
        int[] edge = ask.ask(question(EDGE, x, y));
        if (isToken(edge, YES)) {
            return type == DIST ? distanceAnswer(1) : Names.answer(y);
        }
        if (!isToken(edge, NO)) {
            return new int[2];
        }
        return type == DIST ? overseeDistance(x, y, ask) : overseeNext(x, y, ask);
    }

    /** No edge x -> y: ask for a next step c, then dist c y, and add one. */
    private static int[] overseeDistance(int x, int y, Subquestions ask) {
        int[] next = ask.ask(question(NEXT, x, y));
        if (isToken(next, INF_TOKEN)) {
            return token(INF_TOKEN);
        }
        int c = Names.ofAnswer(next);
        int d = c < 0 ? -1 : distanceOf(ask.ask(question(DIST, c, y)));
        return d < 0 ? new int[2] : distanceAnswer(d + 1);
    }

    /**
     * No edge x -> y: propose, verify, select. Two {@code next} proposals, each kept if {@code edge x c} says yes, and
     * one random {@code neighbor}; then the candidate whose {@code dist c y} is smallest (the first on ties, as in
     * the reference). A proposal or distance that is not a name or distance drops its candidate; with no candidate
     * left at a finite distance, the answer is inf when every distance asked was known, else {@code ?} (a subanswer
     * H cannot read makes its answer {@code ?}, as everywhere in the reference's overseers).
     */
    private static int[] overseeNext(int x, int y, Subquestions ask) {
        int[] candidates = new int[3];
        int count = 0;
        for (int proposal = 0; proposal < 2; proposal++) {
            int c = Names.ofAnswer(ask.ask(question(NEXT, x, y)));
            if (c >= 0 && isToken(ask.ask(question(EDGE, x, c)), YES)) {
                candidates[count++] = c;
            }
        }
        int neighbor = Names.ofAnswer(ask.ask(question(NEIGHBOR, x, -1)));
        if (neighbor >= 0) {
            candidates[count++] = neighbor;
        }
        int best = -1;
        int bestDistance = INF - 1;                                  // dist x y = d + 1 must stay below 13
        boolean unknown = false;
        for (int i = 0; i < count; i++) {
            int d = distanceOf(ask.ask(question(DIST, candidates[i], y)));
            unknown |= d < 0;
            if (d > 0 && d < bestDistance) {
                best = candidates[i];
                bestDistance = d;
            }
        }
        return best >= 0 ? Names.answer(best) : unknown ? new int[2] : token(INF_TOKEN);
    }

    @Override
    public String factText(int[] fact) {
        int x = fact.length == 4 ? Names.get(fact, 0) : -1;
        int y = fact.length == 4 ? Names.get(fact, 2) : -1;
        if (x >= 0 && y >= 0) {
            return Names.text(x) + " -> " + Names.text(y);
        }
        return Vocabulary.isBlank(fact) ? "?" : VOCABULARY.render(fact);
    }

    @Override
    public String questionText(int[] question) {
        int type = type(question);
        if (type < 0) {
            return Vocabulary.isBlank(question) ? "?" : VOCABULARY.render(question);
        }
        String x = Names.text(Names.get(question, 1));
        return type == NEIGHBOR ? "neighbor " + x
                : VOCABULARY.text(type) + " " + x + " " + Names.text(Names.get(question, 3));
    }

    @Override
    public String answerText(int[] answer) {
        int d = distanceOf(answer);
        if (d > 0) {
            return d == INF ? "inf" : Integer.toString(d);
        }
        if (isToken(answer, YES) || isToken(answer, NO) || isToken(answer, NONE)) {
            return VOCABULARY.text(answer[0]);
        }
        if (Names.ofAnswer(answer) >= 0) {
            return Names.text(Names.ofAnswer(answer));
        }
        return Vocabulary.isBlank(answer) ? "?" : VOCABULARY.render(answer);
    }

    @Override
    public int[] parseQuestion(String text) {
        String t = TaskSupport.normalize(text);
        if (t.equals("?")) {
            return new int[5];
        }
        Matcher m = QUESTION.matcher(t);
        if (!m.matches()) {
            throw TaskSupport.badText(NAME, "question", text,
                    "'dist x y', 'next x y', 'edge x y' or 'neighbor x', x and y names aa..hh");
        }
        return m.group(1) == null ? question(NEIGHBOR, Names.parse(m.group(4)), -1)
                : question(VOCABULARY.id(m.group(1)), Names.parse(m.group(2)), Names.parse(m.group(3)));
    }

    @Override
    public int[] parseAnswer(String text) {
        String t = TaskSupport.normalize(text);
        switch (t) {
            case "?" -> {
                return new int[2];
            }
            case "inf", "yes", "no", "none" -> {
                return token(VOCABULARY.id(t));
            }
            default -> {
                if (t.matches("\\d{1,2}") && Integer.parseInt(t) >= 1 && Integer.parseInt(t) < INF) {
                    return distanceAnswer(Integer.parseInt(t));
                }
                if (Names.parse(t) >= 0) {
                    return Names.answer(Names.parse(t));
                }
                throw TaskSupport.badText(NAME, "answer", text, "a distance 1..12, inf, a name aa..hh, yes, no, none or ?");
            }
        }
    }
}
