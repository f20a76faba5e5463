package dev.ida4j.task;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Checks and small utilities every built-in task shares: size range, exact-match grading, text errors. */
final class TaskSupport {
    static final int MIN_SIZE = 2;
    static final int MAX_SIZE = 64;

    private TaskSupport() {
    }

    static void checkSize(String task, int size) {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException(task + ": size " + size + " is outside " + MIN_SIZE + ".." + MAX_SIZE);
        }
    }

    /** Exact match with the truth; {@code ?} is always wrong as a final answer. */
    static boolean matches(int[] truth, int[] answer) {
        return !Vocabulary.isBlank(answer) && Arrays.equals(truth, answer);
    }

    /** {@code context} as the task's own implementation, or an error naming both. */
    static <C extends Context> C own(String task, Class<C> type, Context context) {
        if (!type.isInstance(context)) {
            throw new IllegalArgumentException(task + ": not a context of this task: " + context.getClass().getName());
        }
        return type.cast(context);
    }

    /** Trimmed, with every run of whitespace as one space, so that people may type loosely. */
    static String normalize(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    static IllegalArgumentException badText(String task, String kind, String text, String expected) {
        return new IllegalArgumentException(task + ": not a " + kind + ": '" + text + "' (expected " + expected + ")");
    }

    static IllegalArgumentException badQuestion(String task, String text, String why) {
        return new IllegalArgumentException(task + ": " + why + ": " + text);
    }

    /** Swaps {@code a}'s elements into a uniformly random order. */
    static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Swaps {@code a}'s rows into a uniformly random order. */
    static void shuffle(int[][] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int[] t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
