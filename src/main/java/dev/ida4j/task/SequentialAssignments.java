package dev.ida4j.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sequential assignments (the paper's "eval", reference {@code EvalTask}): a straight-line program over n variables,
 * the first ⌊√n⌋ set to digits and each later one to f(y, z) of two earlier ones, f a hidden random table of digits
 * whose entries the program needs are facts. A question asks a variable's value. Primitive: {@code first x},
 * {@code second x} (an operand, or the literal) and {@code f(a, b)}.
 *
 * <p>Unlike the reference, a context holds no blank facts where an entry of f repeats: it holds only real facts, so
 * {@link Context#factCount()} may be below {@link #factCount(int)}; padding is the batcher's business.
 *
 * <pre>
 * vocabulary (20): ? a..h 0..7 value first second
 * fact (6)      x1 x2 v  ?  ?  ?             x = v
 *               x1 x2 y1 y2 z1 z2            x = f(y, z)
 *               a  b  c  ?  ?  ?             f(a, b) = c
 * question (3)  value x1 x2                  x = ?
 *               first x1 x2 / second x1 x2   first x / second x
 *               a b ?                        f(a, b)
 * answer (2)    v ?  or  y1 y2               a digit, or a name (first / second of a defined variable)
 * </pre>
 */
public final class SequentialAssignments extends BuiltInTask {
    private static final String NAME = "sequential-assignments";
    private static final int DIGITS = 8;
    private static final Vocabulary VOCABULARY = Names.vocabulary(
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "value", "first", "second"));
    private static final int DIGIT0 = VOCABULARY.id("0");
    private static final int VALUE = VOCABULARY.id("value");
    private static final int FIRST = VOCABULARY.id("first");
    private static final int SECOND = VOCABULARY.id("second");
    private static final Pattern VALUE_Q = Pattern.compile("([a-h]{2}) = \\?");
    private static final Pattern OPERAND_Q = Pattern.compile("(first|second) ([a-h]{2})");
    private static final Pattern F_Q = Pattern.compile("f\\(([0-7]), ([0-7])\\)");

    private enum Kind { VALUE, FIRST, SECOND, F }

    /** The program: variable i is a literal for i < literals, else f(operand1[i], operand2[i]). */
    private static final class Instance extends NamedContext {
        final int[] operand1;
        final int[] operand2;
        final int[] value;
        final int[] depth;
        final int[] f = new int[DIGITS * DIGITS];

        Instance(int n, RandomGenerator rng) {
            super(n, rng);
            operand1 = new int[n];
            operand2 = new int[n];
            value = new int[n];
            depth = new int[n];
            Arrays.fill(f, -1);
            List<int[]> out = new ArrayList<>();
            int literals = (int) Math.sqrt(n);
            for (int i = 0; i < n; i++) {
                int[] fact = new int[6];
                Names.put(names[i], fact, 0);
                if (i < literals) {
                    operand1[i] = operand2[i] = -1;
                    value[i] = rng.nextInt(DIGITS);
                    fact[2] = DIGIT0 + value[i];
                    out.add(fact);
                    continue;
                }
                int y = rng.nextInt(i);
                int z = rng.nextInt(i);
                operand1[i] = y;
                operand2[i] = z;
                Names.put(names[y], fact, 2);
                Names.put(names[z], fact, 4);
                out.add(fact);
                int pair = value[y] * DIGITS + value[z];
                if (f[pair] < 0) {                                   // drawn the first time the program needs it
                    f[pair] = rng.nextInt(DIGITS);
                    out.add(new int[] {DIGIT0 + value[y], DIGIT0 + value[z], DIGIT0 + f[pair], 0, 0, 0});
                }
                value[i] = f[pair];
                depth[i] = 1 + Math.max(depth[y], depth[z]);
            }
            facts = out.toArray(int[][]::new);
        }
    }

    public SequentialAssignments() {
        super(NAME, VOCABULARY, 6, 3, 2, 5);
    }

    @Override
    public int factCount(int size) {
        TaskSupport.checkSize(NAME, size);
        int literals = (int) Math.sqrt(size);
        return literals + 2 * (size - literals);
    }

    @Override
    public Context sampleContext(int size, RandomGenerator rng) {
        TaskSupport.checkSize(NAME, size);
        return new Instance(size, rng);
    }

    @Override
    public int[] sampleQuestion(Context context, RandomGenerator rng) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        return nameQuestion(VALUE, c.names[rng.nextInt(c.names.length)]);
    }

    private static int[] nameQuestion(int type, int x) {
        int[] q = {type, 0, 0};
        Names.put(x, q, 1);
        return q;
    }

    private static int digit(int token) {
        int d = token - DIGIT0;
        return d >= 0 && d < DIGITS ? d : -1;
    }

    private static int[] digitAnswer(int d) {
        return new int[] {DIGIT0 + d, 0};
    }

    /** The digit an answer holds, or -1. */
    private static int digitOf(int[] answer) {
        return answer.length == 2 && answer[1] == 0 ? digit(answer[0]) : -1;
    }

    /** The kind of a well-formed question, else null. */
    private static Kind kind(int[] q) {
        if (q.length != 3) {
            return null;
        }
        if (digit(q[0]) >= 0 && digit(q[1]) >= 0 && q[2] == 0) {
            return Kind.F;
        }
        if (Names.get(q, 1) < 0) {
            return null;
        }
        return q[0] == VALUE ? Kind.VALUE : q[0] == FIRST ? Kind.FIRST : q[0] == SECOND ? Kind.SECOND : null;
    }

    private Kind checked(int[] question) {
        Kind kind = kind(question);
        if (kind == null) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "malformed question");
        }
        return kind;
    }

    @Override
    public boolean isPrimitive(int[] question) {
        Kind kind = kind(question);
        return kind != null && kind != Kind.VALUE;
    }

    @Override
    public int[] answerPrimitive(Context context, int[] question, RandomGenerator rng) {
        if (!isPrimitive(question)) {
            throw TaskSupport.badQuestion(NAME, questionText(question), "not primitive (first x, second x, f(a, b))");
        }
        return truth(context, question);
    }

    @Override
    public int[] truth(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        Kind kind = kind(question);
        if (kind == Kind.F) {
            int entry = c.f[digit(question[0]) * DIGITS + digit(question[1])];
            return entry < 0 ? new int[2] : digitAnswer(entry);
        }
        int i = kind == null ? -1 : c.index[Names.get(question, 1)];
        if (i < 0) {
            return new int[2];
        }
        int operand = kind == Kind.FIRST ? c.operand1[i] : kind == Kind.SECOND ? c.operand2[i] : -1;
        return operand < 0 ? digitAnswer(c.value[i]) : Names.answer(c.names[operand]);
    }

    @Override
    public boolean isCorrect(Context context, int[] question, int[] answer) {
        return TaskSupport.matches(truth(context, question), answer);
    }

    @Override
    public String questionClass(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        return switch (checked(question)) {
            case VALUE -> {
                int i = c.index[Names.get(question, 1)];
                if (i < 0) {
                    throw TaskSupport.badQuestion(NAME, questionText(question), "no such variable in the context");
                }
                yield "depth" + c.depth[i];
            }
            case FIRST -> "first";
            case SECOND -> "second";
            case F -> "f";
        };
    }

    @Override
    public int difficulty(Context context, int[] question) {
        Instance c = TaskSupport.own(NAME, Instance.class, context);
        if (kind(question) != Kind.VALUE) {
            return 0;
        }
        int i = c.index[Names.get(question, 1)];
        return i < 0 ? 0 : c.depth[i] + 1;
    }

    /** Depth n - ⌊√n⌋ at most: each defined variable one deeper than the one before. */
    @Override
    public int difficulties(int size) {
        return size - (int) Math.sqrt(size) + 1;
    }

    @Override
    public int[] randomAnswer(int[] question, RandomGenerator rng) {
        Kind kind = checked(question);
        boolean name = (kind == Kind.FIRST || kind == Kind.SECOND) && rng.nextBoolean();
        return name ? Names.answer(rng.nextInt(Names.COUNT)) : digitAnswer(rng.nextInt(DIGITS));
    }

    @Override
    public Script overseer() {
        return SequentialAssignments::oversee;
    }

    private static int[] oversee(int[] question, Subquestions ask) {
        if (kind(question) != Kind.VALUE) {
            return new int[2];
        }
        int x = Names.get(question, 1);
        int[] first = ask.ask(nameQuestion(FIRST, x));
        if (digitOf(first) >= 0) {
            return digitAnswer(digitOf(first));                       // x is a literal
        }
        int y = Names.ofAnswer(first);
        int a = y < 0 ? -1 : digitOf(ask.ask(nameQuestion(VALUE, y)));
        int z = a < 0 ? -1 : Names.ofAnswer(ask.ask(nameQuestion(SECOND, x)));
        int b = z < 0 ? -1 : digitOf(ask.ask(nameQuestion(VALUE, z)));
        int c = b < 0 ? -1 : digitOf(ask.ask(new int[] {DIGIT0 + a, DIGIT0 + b, 0}));
        return c < 0 ? new int[2] : digitAnswer(c);
    }

    @Override
    public String factText(int[] fact) {
        if (fact.length == 6 && fact[3] == 0 && fact[4] == 0 && fact[5] == 0) {
            int a = digit(fact[0]);
            int b = digit(fact[1]);
            int c = digit(fact[2]);
            if (a >= 0 && b >= 0 && c >= 0) {
                return "f(" + a + ", " + b + ") = " + c;
            }
            if (Names.get(fact, 0) >= 0 && c >= 0) {
                return Names.text(Names.get(fact, 0)) + " = " + c;
            }
        }
        if (fact.length == 6 && Names.get(fact, 0) >= 0 && Names.get(fact, 2) >= 0 && Names.get(fact, 4) >= 0) {
            return Names.text(Names.get(fact, 0)) + " = f(" + Names.text(Names.get(fact, 2)) + ", "
                    + Names.text(Names.get(fact, 4)) + ")";
        }
        return Vocabulary.isBlank(fact) ? "?" : VOCABULARY.render(fact);
    }

    @Override
    public String questionText(int[] question) {
        Kind kind = kind(question);
        if (kind == null) {
            return Vocabulary.isBlank(question) ? "?" : VOCABULARY.render(question);
        }
        return switch (kind) {
            case VALUE -> Names.text(Names.get(question, 1)) + " = ?";
            case FIRST -> "first " + Names.text(Names.get(question, 1));
            case SECOND -> "second " + Names.text(Names.get(question, 1));
            case F -> "f(" + digit(question[0]) + ", " + digit(question[1]) + ")";
        };
    }

    @Override
    public String answerText(int[] answer) {
        if (digitOf(answer) >= 0) {
            return Integer.toString(digitOf(answer));
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
            return new int[3];
        }
        Matcher m = VALUE_Q.matcher(t);
        if (m.matches()) {
            return nameQuestion(VALUE, Names.parse(m.group(1)));
        }
        m = OPERAND_Q.matcher(t);
        if (m.matches()) {
            return nameQuestion(m.group(1).equals("first") ? FIRST : SECOND, Names.parse(m.group(2)));
        }
        m = F_Q.matcher(t);
        if (m.matches()) {
            return new int[] {DIGIT0 + Integer.parseInt(m.group(1)), DIGIT0 + Integer.parseInt(m.group(2)), 0};
        }
        throw TaskSupport.badText(NAME, "question", text, "'x = ?', 'first x', 'second x' or 'f(a, b)', "
                + "x a name aa..hh, a and b digits 0..7");
    }

    @Override
    public int[] parseAnswer(String text) {
        String t = TaskSupport.normalize(text);
        if (t.equals("?")) {
            return new int[2];
        }
        if (t.length() == 1 && t.charAt(0) >= '0' && t.charAt(0) < '0' + DIGITS) {
            return digitAnswer(t.charAt(0) - '0');
        }
        if (Names.parse(t) >= 0) {
            return Names.answer(Names.parse(t));
        }
        throw TaskSupport.badText(NAME, "answer", text, "a digit 0..7, a name aa..hh or ?");
    }
}
