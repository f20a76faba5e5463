package dev.ida4j.task;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Union find (the paper's "equals", reference {@code EqualsTask}): n names, each given one of ⌊√n⌋ (at most 8)
 * digits; the names sharing a digit form a class, joined by a random spanning tree of undirected {@code x = y} facts,
 * and one {@code x : v} fact marks the class's root x and its value v. Questions ask a name's {@code value},
 * {@code parent} (next name toward the root; the root's is itself) and {@code depth}. Primitive: {@code root x},
 * {@code neighbor x} (a random tree neighbour) and {@code edge x y}. Size is the number of names (the reference's
 * +10 offset lives in its curriculum, not here). Each class's tree grows by attaching its members, in random order,
 * to a uniformly random earlier member; the first is the root. Facts are shuffled, so their order tells nothing.
 *
 * <p>Deviation from the reference vocabulary (79): digits and depths share one family of number tokens 0..63 (their
 * text is the same, and a depth can reach n - 1 = 63), and {@code yes}, {@code no}, {@code none} are tokens of their
 * own, so that "no edge" is not the blank {@code ?}.
 *
 * <pre>
 * vocabulary (81): ? a..h 0..63 value parent depth root neighbor yes no none
 * fact (4)      x1 x2 y1 y2                  x = y
 *               x1 x2 v ?                    x : v
 * question (4)  value x1 x2 ?                value x        (also parent, depth, root, neighbor)
 *               x1 x2 y1 y2                  edge x y
 * answer (2)    n ?  /  yes ? / no ? / none ?  or  y1 y2
 * </pre>
 */
public final class UnionFind extends BuiltInTask {
    private static final String NAME = "union-find";
    private static final int DIGITS = 8;
    private static final int NUMBERS = 64;
    private static final Vocabulary VOCABULARY = buildVocabulary();
    private static final int NUMBER0 = VOCABULARY.id("0");
    private static final int VALUE = VOCABULARY.id("value");
    private static final int PARENT = VOCABULARY.id("parent");
    private static final int DEPTH = VOCABULARY.id("depth");
    private static final int ROOT = VOCABULARY.id("root");
    private static final int NEIGHBOR = VOCABULARY.id("neighbor");
    private static final int YES = VOCABULARY.id("yes");
    private static final int NO = VOCABULARY.id("no");
    private static final int NONE = VOCABULARY.id("none");
    /** Not a token: the type of the edge question, which is four letters. */
    private static final int EDGE = -2;
    private static final Pattern QUESTION = Pattern.compile("(value|parent|depth|root|neighbor) ([a-h]{2})");
    private static final Pattern EDGE_Q = Pattern.compile("edge ([a-h]{2}) ([a-h]{2})");

    private static Vocabulary buildVocabulary() {
        List<String> more = new ArrayList<>();
        for (int i = 0; i < NUMBERS; i++) {
            more.add(Integer.toString(i));
        }
        more.addAll(List.of("value", "parent", "depth", "root", "neighbor", "yes", "no", "none"));
        return Names.vocabulary(more);
    }

    /** The forest over name positions 0..n-1: each name's value, parent (a root its own), depth and tree neighbours. */
    private static final class Instance extends NamedContext {
        final int[] value;
        final int[] parent;
        final int[] depth;
        final int[][] neighbors;

        Instance(int n, RandomGenerator rng) {
            super(n, rng);                           // names in a random order: the first of a class is its root
            value = new int[n];
            parent = new int[n];
            depth = new int[n];
            int[] digits = {0, 1, 2, 3, 4, 5, 6, 7};
            TaskSupport.shuffle(digits, rng);
            int used = Math.min((int) Math.sqrt(n), DIGITS);
            for (int i = 0; i < n; i++) {
                value[i] = digits[rng.nextInt(used)];
            }
            int[] degree = new int[n];
            int[] seen = new int[n];                                  // members so far of each position's class
            int[][] members = new int[DIGITS][n];
            int[] count = new int[DIGITS];
            facts = new int[n][];
            for (int i = 0; i < n; i++) {
                int[] fact = new int[4];
                Names.put(names[i], fact, 0);
                int v = value[i];
                seen[i] = count[v];
                members[v][count[v]++] = i;
                if (seen[i] == 0) {
                    parent[i] = i;
                    fact[2] = NUMBER0 + v;
                } else {
                    parent[i] = members[v][rng.nextInt(seen[i])];
                    depth[i] = depth[parent[i]] + 1;
                    degree[i]++;
                    degree[parent[i]]++;
                    boolean flip = rng.nextBoolean();                 // undirected: the fact's order says nothing
                    Names.put(names[flip ? parent[i] : i], fact, 0);
                    Names.put(names[flip ? i : parent[i]], fact, 2);
                }
                facts[i] = fact;
            }
            TaskSupport.shuffle(facts, rng);
            neighbors = new int[n][];
            for (int i = 0; i < n; i++) {
                neighbors[i] = new int[degree[i]];
                degree[i] = 0;
            }
            for (int i = 0; i < n; i++) {
                if (parent[i] != i) {
                    neighbors[i][degree[i]++] = parent[i];
                    neighbors[parent[i]][degree[parent[i]]++] = i;
                }
            }
        }

        boolean adjacent(int x, int y) {
            return x != y && (parent[x] == y || parent[y] == x);
        }
    }

    public UnionFind() {
        super(NAME, VOCABULARY, 4, 4, 2, 9);
    }

    @Override
    public int factCount(int size) {
        TaskSupport.checkSize(NAME, size);
        return size;
    }

    @Override
    public Context sampleContext(int size, RandomGenerator rng) {
        TaskSupport.checkSize(NAME, size);
        return new Instance(size, rng);
    }

    @Override
    public int[] sampleQuestion(Context context, RandomGenerator rng) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int[] types = {VALUE, PARENT, DEPTH};
        return question(types[rng.nextInt(types.length)], c.names[rng.nextInt(c.names.length)]);
    }

    private static int[] question(int type, int x) {
        int[] q = {type, 0, 0, 0};
        Names.put(x, q, 1);
        return q;
    }

    private static int[] edgeQuestion(int x, int y) {
        int[] q = new int[4];
        Names.put(x, q, 0);
        Names.put(y, q, 2);
        return q;
    }

    /** The type token of a well-formed question ({@link #EDGE} for an edge test), else -1. */
    private static int type(int[] q) {
        if (q.length != 4) {
            return -1;
        }
        if (Names.get(q, 0) >= 0 && Names.get(q, 2) >= 0) {
            return EDGE;
        }
        boolean typed = q[0] == VALUE || q[0] == PARENT || q[0] == DEPTH || q[0] == ROOT || q[0] == NEIGHBOR;
        return typed && Names.get(q, 1) >= 0 && q[3] == 0 ? q[0] : -1;
    }

    private int checked(int[] question) {
        int type = type(question);
        if (type == -1) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "malformed question");
        }
        return type;
    }

    private static int[] token(int t) {
        return new int[] {t, 0};
    }

    private static int[] numberAnswer(int v) {
        return token(NUMBER0 + v);
    }

    /** The number 0..63 an answer holds, else -1. */
    private static int numberOf(int[] answer) {
        int v = answer.length == 2 && answer[1] == 0 ? answer[0] - NUMBER0 : -1;
        return v >= 0 && v < NUMBERS ? v : -1;
    }

    private static boolean isToken(int[] answer, int t) {
        return answer.length == 2 && answer[0] == t && answer[1] == 0;
    }

    @Override
    public boolean isPrimitive(int[] question) {
        int type = type(question);
        return type == ROOT || type == NEIGHBOR || type == EDGE;
    }

    @Override
    public int[] answerPrimitive(Context context, int[] question, RandomGenerator rng) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        if (!isPrimitive(question)) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "not primitive (root x, neighbor x, edge x y)");
        }
        if (type(question) != NEIGHBOR || c.index[Names.get(question, 1)] < 0) {
            return truth(context, question);
        }
        int[] near = c.neighbors[c.index[Names.get(question, 1)]];
        return near.length == 0 ? token(NONE) : Names.answer(c.names[near[rng.nextInt(near.length)]]);
    }

    @Override
    public int[] truth(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int type = type(question);
        int x = type == -1 ? -1 : c.index[Names.get(question, type == EDGE ? 0 : 1)];
        if (x < 0) {
            return new int[2];
        }
        if (type == EDGE) {
            int y = c.index[Names.get(question, 2)];
            return y < 0 ? new int[2] : token(c.adjacent(x, y) ? YES : NO);
        }
        if (type == VALUE) {
            return numberAnswer(c.value[x]);
        }
        if (type == PARENT) {
            return Names.answer(c.names[c.parent[x]]);
        }
        if (type == DEPTH) {
            return numberAnswer(c.depth[x]);
        }
        if (type == ROOT) {
            return c.parent[x] == x ? numberAnswer(c.value[x]) : new int[2];
        }
        int first = -1;                                              // neighbor: the alphabetically first
        for (int y : c.neighbors[x]) {
            first = first < 0 || c.names[y] < c.names[first] ? y : first;
        }
        return first < 0 ? token(NONE) : Names.answer(c.names[first]);
    }

    @Override
    public boolean isCorrect(Context context, int[] question, int[] answer) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int[] truth = truth(context, question);
        if (type(question) != NEIGHBOR || Names.ofAnswer(truth) < 0) {
            return TaskSupport.matches(truth, answer);
        }
        int y = Names.ofAnswer(answer) < 0 ? -1 : c.index[Names.ofAnswer(answer)];
        return y >= 0 && c.adjacent(c.index[Names.get(question, 1)], y);
    }

    @Override
    public String questionClass(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int type = checked(question);
        if (type == EDGE) {
            return "edge";
        }
        if (type == ROOT || type == NEIGHBOR) {
            return VOCABULARY.text(type);
        }
        int x = c.index[Names.get(question, 1)];
        if (x < 0) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "no such name in the context");
        }
        return VOCABULARY.text(type) + c.depth[x];
    }

    @Override
    public int difficulty(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int type = type(question);
        if (type != VALUE && type != PARENT && type != DEPTH) {
            return 0;
        }
        int x = c.index[Names.get(question, 1)];
        return x < 0 ? 0 : c.depth[x] + 1;
    }

    /** A tree of {@code size} names is at most {@code size - 1} deep. */
    @Override
    public int difficulties(int size) {
        return size;
    }

    @Override
    public int[] randomAnswer(int[] question, RandomGenerator rng) {
        int type = checked(question);
        if (type == EDGE) {
            return token(rng.nextBoolean() ? YES : NO);
        }
        if (type == VALUE) {
            return numberAnswer(rng.nextInt(DIGITS));
        }
        if (type == DEPTH) {
            return numberAnswer(rng.nextInt(NUMBERS));
        }
        if (type == ROOT) {
            int pick = rng.nextInt(DIGITS + 1);
            return pick < DIGITS ? numberAnswer(pick) : new int[2];
        }
        int pick = rng.nextInt(Names.COUNT + (type == NEIGHBOR ? 1 : 0));
        return pick < Names.COUNT ? Names.answer(pick) : token(NONE);
    }

    @Override
    public Script overseer() {
        return UnionFind::oversee;
    }

    private static int[] oversee(int[] question, Subquestions ask) {
        int type = type(question);
        if (type != VALUE && type != PARENT && type != DEPTH) {
            return new int[2];
        }
        int x = Names.get(question, 1);
        int[] root = ask.ask(question(ROOT, x));
        int v = numberOf(root);
        if (v >= 0 && v < DIGITS) {                                  // x is its class's root
            return type == VALUE ? numberAnswer(v) : type == DEPTH ? numberAnswer(0) : Names.answer(x);
        }
        if (!Vocabulary.isBlank(root)) {
            return new int[2];
        }
        if (type == PARENT) {
            return overseeParent(x, ask);
        }
        int p = Names.ofAnswer(ask.ask(question(PARENT, x)));
        if (p < 0) {
            return new int[2];
        }
        int n = numberOf(ask.ask(question(type, p)));
        if (type == VALUE) {
            return n >= 0 && n < DIGITS ? numberAnswer(n) : new int[2];
        }
        return n >= 0 && n + 1 < NUMBERS ? numberAnswer(n + 1) : new int[2];
    }

    /**
     * x is no root: propose, verify, select. Two {@code parent} proposals, each kept if {@code edge x y} says yes, and
     * one random {@code neighbor}; then the candidate of least {@code depth} (the later on ties, as in the
     * reference). A proposal or depth that is not a name or number drops its candidate.
     */
    private static int[] overseeParent(int x, Subquestions ask) {
        int[] candidates = new int[3];
        int count = 0;
        for (int proposal = 0; proposal < 2; proposal++) {
            int y = Names.ofAnswer(ask.ask(question(PARENT, x)));
            if (y >= 0 && isToken(ask.ask(edgeQuestion(x, y)), YES)) {
                candidates[count++] = y;
            }
        }
        int neighbor = Names.ofAnswer(ask.ask(question(NEIGHBOR, x)));
        if (neighbor >= 0) {
            candidates[count++] = neighbor;
        }
        int best = -1;
        int bestDepth = NUMBERS;
        for (int i = 0; i < count; i++) {
            int d = numberOf(ask.ask(question(DEPTH, candidates[i])));
            if (d >= 0 && d <= bestDepth) {
                best = candidates[i];
                bestDepth = d;
            }
        }
        return best < 0 ? new int[2] : Names.answer(best);
    }

    @Override
    public String factText(int[] fact) {
        int x = fact.length == 4 ? Names.get(fact, 0) : -1;
        if (x >= 0 && Names.get(fact, 2) >= 0) {
            return Names.text(x) + " = " + Names.text(Names.get(fact, 2));
        }
        int v = x >= 0 && fact[3] == 0 ? fact[2] - NUMBER0 : -1;
        if (v >= 0 && v < DIGITS) {
            return Names.text(x) + " : " + v;
        }
        return Vocabulary.isBlank(fact) ? "?" : VOCABULARY.render(fact);
    }

    @Override
    public String questionText(int[] question) {
        int type = type(question);
        if (type == EDGE) {
            return "edge " + Names.text(Names.get(question, 0)) + " " + Names.text(Names.get(question, 2));
        }
        if (type != -1) {
            return VOCABULARY.text(type) + " " + Names.text(Names.get(question, 1));
        }
        return Vocabulary.isBlank(question) ? "?" : VOCABULARY.render(question);
    }

    @Override
    public String answerText(int[] answer) {
        if (numberOf(answer) >= 0) {
            return Integer.toString(numberOf(answer));
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
            return new int[4];
        }
        Matcher m = QUESTION.matcher(t);
        if (m.matches()) {
            return question(VOCABULARY.id(m.group(1)), Names.parse(m.group(2)));
        }
        m = EDGE_Q.matcher(t);
        if (m.matches()) {
            return edgeQuestion(Names.parse(m.group(1)), Names.parse(m.group(2)));
        }
        throw TaskSupport.badText(NAME, "question", text,
                "'value x', 'parent x', 'depth x', 'root x', 'neighbor x' or 'edge x y', x and y names aa..hh");
    }

    @Override
    public int[] parseAnswer(String text) {
        String t = TaskSupport.normalize(text);
        switch (t) {
            case "?" -> {
                return new int[2];
            }
            case "yes", "no", "none" -> {
                return token(VOCABULARY.id(t));
            }
            default -> {
                if (t.matches("\\d{1,2}") && Integer.parseInt(t) < NUMBERS) {
                    return numberAnswer(Integer.parseInt(t));
                }
                if (Names.parse(t) >= 0) {
                    return Names.answer(Names.parse(t));
                }
                throw TaskSupport.badText(NAME, "answer", text, "an integer 0..63, a name aa..hh, yes, no, none or ?");
            }
        }
    }
}
