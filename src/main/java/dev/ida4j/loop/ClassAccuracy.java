package dev.ida4j.loop;

import java.util.Map;
import java.util.TreeMap;

/** Exact-match (or validity) counts, overall and per question class. */
public final class ClassAccuracy {
    private final Map<String, long[]> byClass = new TreeMap<>();   // class -> {correct, total}
    private long correct;
    private long total;

    public void add(String questionClass, boolean isCorrect) {
        long[] c = byClass.computeIfAbsent(questionClass, k -> new long[2]);
        int hit = isCorrect ? 1 : 0;
        c[0] += hit;
        c[1]++;
        correct += hit;
        total++;
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
