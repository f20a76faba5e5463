package dev.ida4j.loop;

import java.util.Map;
import java.util.TreeMap;

/** Exact-match (or validity) counts, overall and per question class. */
public final class ClassAccuracy {
    private final Map<String, long[]> byClass = new TreeMap<>();   // class -> {correct, total}
    private long correct;
    private long total;

    public void add(String questionClass, boolean isCorrect) {
        add(questionClass, isCorrect ? 1 : 0, 1);
    }

    /** Adds {@code right} of {@code questions} to a class's counts. */
    public void add(String questionClass, long right, long questions) {
        long[] c = byClass.computeIfAbsent(questionClass, k -> new long[2]);
        c[0] += right;
        c[1] += questions;
        correct += right;
        total += questions;
    }

    /** Adds every count of {@code other}. */
    public void addAll(ClassAccuracy other) {
        other.byClass.forEach((k, c) -> add(k, c[0], c[1]));
    }

    /** The counts per class, {correct, total}, classes in sorted order (copies). */
    public Map<String, long[]> counts() {
        Map<String, long[]> m = new TreeMap<>();
        byClass.forEach((k, c) -> m.put(k, c.clone()));
        return m;
    }

    public long total() {
        return total;
    }

    /** Fraction correct, NaN when empty. */
    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** Fraction correct per class, classes in sorted order. */
    public Map<String, Double> perClass() {
        Map<String, Double> m = new TreeMap<>();
        byClass.forEach((k, c) -> m.put(k, (double) c[0] / c[1]));
        return m;
    }
}
