package dev.ida4j.backend;

import dev.ida4j.tensor.Tensor;
import java.util.SplittableRandom;

/** Seeded test data written straight into tensors. */
public final class Rand {
    private Rand() {
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Tensor t, SplittableRandom r, double lo, double hi) {
        for (long i = 0; i < t.numel(); i++) {
            t.set(i, (float) (lo + (hi - lo) * r.nextDouble()));
        }
        return t;
    }

    /** Standard normal times {@code scale}. */
    public static Tensor normal(Tensor t, SplittableRandom r, double scale) {
        for (long i = 0; i < t.numel(); i++) {
            double u1 = 1 - r.nextDouble();
            double u2 = r.nextDouble();
            t.set(i, (float) (scale * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)));
        }
        return t;
    }

    /** Integers in [0, bound). */
    public static Tensor ints(Tensor t, SplittableRandom r, int bound) {
        for (long i = 0; i < t.numel(); i++) {
            t.setInt(i, r.nextInt(bound));
        }
        return t;
    }

    /** Largest |a - b| over two tensors of equal size. */
    public static double maxAbsDiff(Tensor a, Tensor b) {
        if (a.numel() != b.numel()) {
            throw new IllegalArgumentException(a + " vs " + b);
        }
        double max = 0;
        for (long i = 0; i < a.numel(); i++) {
            max = Math.max(max, Math.abs((double) a.get(i) - b.get(i)));
        }
        return max;
    }

    /** Fails unless |a - b| <= atol + rtol·|b| elementwise, naming the first bad element. */
    public static void assertClose(String what, Tensor actual, Tensor expected, double atol, double rtol) {
        if (actual.numel() != expected.numel()) {
            throw new AssertionError(what + ": " + actual.numel() + " elements vs " + expected.numel());
        }
        for (long i = 0; i < actual.numel(); i++) {
            double a = actual.get(i);
            double e = expected.get(i);
            if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                throw new AssertionError(what + ": element " + i + " is " + a + ", expected " + e + " (atol " + atol
                        + ", rtol " + rtol + ")");
            }
        }
    }
}
