package dev.ida4j.report;

/** One metric of one run against X steps, in step order: the points where the run recorded a number for it. */
public record Series(double[] steps, double[] values) {
    public Series {
        if (steps.length != values.length) {
            throw new IllegalArgumentException(steps.length + " steps but " + values.length + " values");
        }
    }

    public boolean isEmpty() {
        return steps.length == 0;
    }

    /** The last value, NaN when empty. */
    public double last() {
        return isEmpty() ? Double.NaN : values[values.length - 1];
    }

    /** The running sum of the values (for per-record counts such as {@code targets_generated}). */
    public Series cumulative() {
        double[] sums = new double[values.length];
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += values[i];
            sums[i] = sum;
        }
        return new Series(steps, sums);
    }

    /** Only the points with a positive value (what a logarithmic axis can draw). */
    public Series positive() {
        int n = 0;
        for (double v : values) {
            n += v > 0 ? 1 : 0;
        }
        double[] s = new double[n];
        double[] v = new double[n];
        for (int i = 0, j = 0; i < values.length; i++) {
            if (values[i] > 0) {
                s[j] = steps[i];
                v[j++] = values[i];
            }
        }
        return new Series(s, v);
    }
}
