package dev.ida4j.task;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Wildcard search (the paper's "sum", reference {@code SumTask}): n distinct strings of 6 letters over a, b, each
 * worth +1 or -1. A question is a pattern with 1 to 6 wildcards {@code *}; the answer is the sum of the values of the
 * strings it matches, clipped to [-32, 32]. Primitive: a pattern without wildcards. H splits the leftmost wildcard.
 *
 * <p>String s is held as 6 bits, position i (left to right) in bit 5 - i, {@code b} as 1.
 *
 * <pre>
 * vocabulary (69): ? a b * -32..32
 * fact (7)      c1 .. c6 v                   s +1 / s -1    (v the token 1 or -1)
 * question (6)  p1 .. p6                     a pattern over a, b, *
 * answer (1)    n                            an integer -32..32
 * </pre>
 */
public final class WildcardSearch extends BuiltInTask {
    private static final String NAME = "wildcard-search";
    private static final int LENGTH = 6;
    private static final int STRINGS = 1 << LENGTH;
    private static final int LIMIT = 32;
    private static final Vocabulary VOCABULARY = buildVocabulary();
    private static final int A = VOCABULARY.id("a");
    private static final int B = VOCABULARY.id("b");
    private static final int STAR = VOCABULARY.id("*");
    private static final int NUMBER0 = VOCABULARY.id("0");

    private static Vocabulary buildVocabulary() {
        List<String> tokens = new ArrayList<>(List.of("?", "a", "b", "*"));
        for (int v = -LIMIT; v <= LIMIT; v++) {
            tokens.add(Integer.toString(v));
        }
        return new Vocabulary(tokens);
    }

    /** The strings in context order and each string's value (0 for the strings it does not hold). */
    private static final class Instance implements Context {
        final int[] strings;
        final int[] value = new int[STRINGS];

        Instance(int n, RandomGenerator rng) {
            strings = Names.sampleDistinct(n, rng);                  // 64 strings, as many as names
            for (int s : strings) {
                value[s] = rng.nextBoolean() ? 1 : -1;
            }
        }

        @Override
        public int size() {
            return strings.length;
        }

        @Override
        public int factCount() {
            return strings.length;
        }

        @Override
        public int[] fact(int i) {
            int[] f = new int[LENGTH + 1];
            for (int p = 0; p < LENGTH; p++) {
                f[p] = (strings[i] >> (LENGTH - 1 - p) & 1) == 1 ? B : A;
            }
            f[LENGTH] = number(value[strings[i]]);
            return f;
        }
    }

    public WildcardSearch() {
        super(NAME, VOCABULARY, LENGTH + 1, LENGTH, 1, 2);
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
        TaskSupport.own(NAME, Instance.class, context);
        int[] positions = {0, 1, 2, 3, 4, 5};
        TaskSupport.shuffle(positions, rng);
        int wilds = 1 + rng.nextInt(LENGTH);                         // uniform over 1..6
        int[] q = new int[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            q[positions[i]] = i < wilds ? STAR : rng.nextBoolean() ? B : A;
        }
        return q;
    }

    private static int number(int v) {
        return NUMBER0 + v;
    }

    private static int[] numberAnswer(int v) {
        return new int[] {number(Math.clamp(v, -LIMIT, LIMIT))};
    }

    /** The integer an answer holds, or {@code Integer.MIN_VALUE}. */
    private static int numberOf(int[] answer) {
        int v = answer.length == 1 ? answer[0] - NUMBER0 : Integer.MIN_VALUE;
        return v >= -LIMIT && v <= LIMIT ? v : Integer.MIN_VALUE;
    }

    /** The number of wildcards of a well-formed pattern, else -1. */
    private static int wildcards(int[] q) {
        if (q.length != LENGTH) {
            return -1;
        }
        int wilds = 0;
        for (int t : q) {
            if (t == STAR) {
                wilds++;
            } else if (t != A && t != B) {
                return -1;
            }
        }
        return wilds;
    }

    private int checked(int[] question) {
        int wilds = wildcards(question);
        if (wilds < 0) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "malformed question");
        }
        return wilds;
    }

    @Override
    public int level(int[] question) {
        return Math.max(0, wildcards(question));
    }

    @Override
    public int levels() {
        return LENGTH;
    }

    @Override
    public boolean isPrimitive(int[] question) {
        return wildcards(question) == 0;
    }

    @Override
    public int[] answerPrimitive(Context context, int[] question, RandomGenerator rng) {
        if (!isPrimitive(question)) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "not primitive (a pattern without *)");
        }
        return truth(context, question);
    }

    @Override
    public int[] truth(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        if (wildcards(question) < 0) {
            return new int[1];
        }
        int fixedMask = 0;
        int fixedBits = 0;
        for (int p = 0; p < LENGTH; p++) {
            int bit = 1 << (LENGTH - 1 - p);
            if (question[p] != STAR) {
                fixedMask |= bit;
                fixedBits |= question[p] == B ? bit : 0;
            }
        }
        int sum = 0;
        for (int s : c.strings) {
            if ((s & fixedMask) == fixedBits) {
                sum += c.value[s];
            }
        }
        return numberAnswer(sum);
    }

    @Override
    public boolean isCorrect(Context context, int[] question, int[] answer) {
        return TaskSupport.matches(truth(context, question), answer);
    }

    @Override
    public String questionClass(Context context, int[] question) {
        TaskSupport.own(NAME, Instance.class, context);
        return "wilds" + checked(question);
    }

    @Override
    public int[] randomAnswer(int[] question, RandomGenerator rng) {
        checked(question);
        return numberAnswer(rng.nextInt(-LIMIT, LIMIT + 1));
    }

    @Override
    public Script overseer() {
        return WildcardSearch::oversee;
    }

    private static int[] oversee(int[] question, Subquestions ask) {
        if (wildcards(question) < 1) {
            return new int[1];
        }
        int star = 0;
        while (question[star] != STAR) {
            star++;
        }
        int[] withA = question.clone();
        withA[star] = A;
        int a = numberOf(ask.ask(withA));
        if (a == Integer.MIN_VALUE) {
            return new int[1];
        }
        int[] withB = question.clone();
        withB[star] = B;
        int b = numberOf(ask.ask(withB));
        return b == Integer.MIN_VALUE ? new int[1] : numberAnswer(a + b);
    }

    /** The letters of a pattern or string, or null if a token is not a, b or *. */
    private static String letters(int[] tokens, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int p = 0; p < length; p++) {
            int t = tokens[p];
            if (t != A && t != B && t != STAR) {
                return null;
            }
            s.append(VOCABULARY.text(t));
        }
        return s.toString();
    }

    @Override
    public String factText(int[] fact) {
        String s = fact.length == LENGTH + 1 ? letters(fact, LENGTH) : null;
        int v = fact.length == LENGTH + 1 ? fact[LENGTH] - NUMBER0 : 0;
        if (s != null && !s.contains("*") && (v == 1 || v == -1)) {
            return s + (v == 1 ? " +1" : " -1");
        }
        return Vocabulary.isBlank(fact) ? "?" : VOCABULARY.render(fact);
    }

    @Override
    public String questionText(int[] question) {
        if (wildcards(question) >= 0) {
            return letters(question, LENGTH);
        }
        return Vocabulary.isBlank(question) ? "?" : VOCABULARY.render(question);
    }

    @Override
    public String answerText(int[] answer) {
        int v = numberOf(answer);
        if (v != Integer.MIN_VALUE) {
            return Integer.toString(v);
        }
        return Vocabulary.isBlank(answer) ? "?" : VOCABULARY.render(answer);
    }

    @Override
    public int[] parseQuestion(String text) {
        String t = TaskSupport.normalize(text);
        if (t.equals("?")) {
            return new int[LENGTH];
        }
        if (!t.matches("[ab*]{6}")) {
            throw TaskSupport.badText(NAME, "question", text, "a pattern of 6 characters over a, b, *");
        }
        int[] q = new int[LENGTH];
        for (int p = 0; p < LENGTH; p++) {
            q[p] = VOCABULARY.id(String.valueOf(t.charAt(p)));
        }
        return q;
    }

    @Override
    public int[] parseAnswer(String text) {
        String t = TaskSupport.normalize(text);
        if (t.equals("?")) {
            return new int[1];
        }
        if (t.matches("-?\\d{1,2}") && Math.abs(Integer.parseInt(t)) <= LIMIT) {
            return numberAnswer(Integer.parseInt(t));
        }
        throw TaskSupport.badText(NAME, "answer", text, "an integer -32..32 or ?");
    }
}
