package dev.ida4j.task;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Permutation powering (the paper's "iterate", reference {@code IterTask}): σ is a random permutation of n names,
 * and a question asks σ^k(x). Primitive: k = 0 or 1. H halves k: σ^k(x) = σ^(k mod 2)(σ^⌊k/2⌋(σ^⌊k/2⌋(x))).
 *
 * <pre>
 * vocabulary (11): ? a..h 0 1
 * fact (4)      x1 x2 y1 y2                  x -> y      (σ(x) = y)
 * question (8)  x1 x2 b5 b4 b3 b2 b1 b0      x ^ k       (k in binary, most significant bit first)
 * answer (2)    y1 y2                        y
 * </pre>
 */
public final class PermutationPowering extends BuiltInTask {
    private static final String NAME = "permutation-powering";
    private static final int BITS = 6;
    private static final Vocabulary VOCABULARY = Names.vocabulary(List.of("0", "1"));
    private static final int ZERO = VOCABULARY.id("0");
    private static final int ONE = VOCABULARY.id("1");
    private static final Pattern QUESTION = Pattern.compile("([a-h]{2}) \\^ (\\d{1,2})");

    /** σ over the chosen names; {@code sigma[x]} is -1 for the names it does not use. */
    private static final class Instance implements Context {
        final int[] names;
        final int[] sigma = new int[Names.COUNT];

        Instance(int[] names, int[] images) {
            this.names = names;
            Arrays.fill(sigma, -1);
            for (int i = 0; i < names.length; i++) {
                sigma[names[i]] = images[i];
            }
        }

        @Override
        public int size() {
            return names.length;
        }

        @Override
        public int factCount() {
            return names.length;
        }

        @Override
        public int[] fact(int i) {
            int[] f = new int[4];
            Names.put(names[i], f, 0);
            Names.put(sigma[names[i]], f, 2);
            return f;
        }
    }

    public PermutationPowering() {
        super(NAME, VOCABULARY, 4, 2 + BITS, 2, 3);
    }

    @Override
    public int factCount(int size) {
        TaskSupport.checkSize(NAME, size);
        return size;
    }

    @Override
    public Context sampleContext(int size, RandomGenerator rng) {
        TaskSupport.checkSize(NAME, size);
        int[] names = Names.sampleDistinct(size, rng);
        int[] images = names.clone();
        TaskSupport.shuffle(images, rng);
        return new Instance(names, images);
    }

    @Override
    public int[] sampleQuestion(Context context, RandomGenerator rng) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int bitLength = 2 + rng.nextInt(BITS - 1);                      // uniform over 2..6
        int k = (1 << (bitLength - 1)) | rng.nextInt(1 << (bitLength - 1));
        return question(c.names[rng.nextInt(c.names.length)], k);
    }

    @Override
    public int level(int[] question) {
        int k = exponent(question);
        return k < 2 ? 0 : Integer.SIZE - Integer.numberOfLeadingZeros(k) - 1;   // bits of k, less one
    }

    @Override
    public int levels() {
        return BITS - 1;
    }

    static int[] question(int x, int k) {
        int[] q = new int[2 + BITS];
        Names.put(x, q, 0);
        for (int b = 0; b < BITS; b++) {
            q[2 + b] = (k >> (BITS - 1 - b) & 1) == 1 ? ONE : ZERO;
        }
        return q;
    }

    /** The exponent k of a well-formed question, else -1. */
    private static int exponent(int[] q) {
        if (q.length != 2 + BITS || Names.get(q, 0) < 0) {
            return -1;
        }
        int k = 0;
        for (int b = 0; b < BITS; b++) {
            if (q[2 + b] != ZERO && q[2 + b] != ONE) {
                return -1;
            }
            k = k << 1 | (q[2 + b] == ONE ? 1 : 0);
        }
        return k;
    }

    @Override
    public boolean isPrimitive(int[] question) {
        int k = exponent(question);
        return k == 0 || k == 1;
    }

    @Override
    public int[] answerPrimitive(Context context, int[] question, RandomGenerator rng) {
        if (!isPrimitive(question)) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "not primitive (x ^ 0, x ^ 1)");
        }
        return truth(context, question);
    }

    @Override
    public int[] truth(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        int k = exponent(question);
        int y = k < 0 ? -1 : Names.get(question, 0);
        for (int i = 0; i < k && y >= 0; i++) {
            y = c.sigma[y];
        }
        return y >= 0 && c.sigma[y] >= 0 ? Names.answer(y) : new int[2];
    }

    @Override
    public boolean isCorrect(Context context, int[] question, int[] answer) {
        return TaskSupport.matches(truth(context, question), answer);
    }

    @Override
    public String questionClass(Context context, int[] question) {
        return "bits" + (Integer.SIZE - Integer.numberOfLeadingZeros(checked(question)));
    }

    private int checked(int[] question) {
        int k = exponent(question);
        if (k < 0) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "malformed question");
        }
        return k;
    }

    @Override
    public int[] randomAnswer(int[] question, RandomGenerator rng) {
        checked(question);
        return Names.answer(rng.nextInt(Names.COUNT));
    }

    @Override
    public Script overseer() {
        return PermutationPowering::oversee;
    }

    private static int[] oversee(int[] question, Subquestions ask) {
        int k = exponent(question);
        if (k < 0) {
            return new int[2];
        }
        int y = Names.ofAnswer(ask.ask(question(Names.get(question, 0), k / 2)));
        if (y < 0) {
            return new int[2];
        }
        int z = Names.ofAnswer(ask.ask(question(y, k / 2)));
        if (z < 0 || k % 2 == 0) {
            return z < 0 ? new int[2] : Names.answer(z);
        }
        int w = Names.ofAnswer(ask.ask(question(z, 1)));
        return w < 0 ? new int[2] : Names.answer(w);
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
        int k = exponent(question);
        if (k >= 0) {
            return Names.text(Names.get(question, 0)) + " ^ " + k;
        }
        return Vocabulary.isBlank(question) ? "?" : VOCABULARY.render(question);
    }

    @Override
    public String answerText(int[] answer) {
        int y = Names.ofAnswer(answer);
        if (y >= 0) {
            return Names.text(y);
        }
        return Vocabulary.isBlank(answer) ? "?" : VOCABULARY.render(answer);
    }

    @Override
    public int[] parseQuestion(String text) {
        String t = TaskSupport.normalize(text);
        if (t.equals("?")) {
            return new int[2 + BITS];
        }
        Matcher m = QUESTION.matcher(t);
        if (m.matches() && Integer.parseInt(m.group(2)) < 1 << BITS) {
            return question(Names.parse(m.group(1)), Integer.parseInt(m.group(2)));
        }
        throw TaskSupport.badText(NAME, "question", text, "'x ^ k', x a name aa..hh, k in 0..63");
    }

    @Override
    public int[] parseAnswer(String text) {
        String t = TaskSupport.normalize(text);
        if (t.equals("?")) {
            return new int[2];
        }
        int y = Names.parse(t);
        if (y < 0) {
            throw TaskSupport.badText(NAME, "answer", text, "a name aa..hh or ?");
        }
        return Names.answer(y);
    }
}
