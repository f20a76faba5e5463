package dev.ida4j.backend;

import dev.ida4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Finite-difference gradient check of one op. The scalar is L = Σ_outputs Σ out ⊙ g for random g (so dout = g),
 * summed in double; each checked input element is nudged by ±eps and (L+ - L-) / 2eps compared with the analytic
 * gradient. Gradient tensors are pre-filled with random values and the check uses (after - before), so it also
 * proves that backward accumulates rather than overwrites.
 */
public final class GradCheck {
    private final String op;
    private final Runnable forward;
    private final Runnable backward;
    private List<Tensor> inputs = List.of();
    private List<Tensor> dInputs = List.of();
    private List<Tensor> outputs = List.of();
    private List<Tensor> dOutputs = List.of();
    private double eps = 1e-2;
    private double atol = 2e-3;
    private double rtol = 2e-2;
    private int samples = 64;
    private long seed = 42;

    private GradCheck(String op, Runnable forward, Runnable backward) {
        this.op = op;
        this.forward = forward;
        this.backward = backward;
    }

    /** {@code forward} reads the inputs and writes the outputs; {@code backward} accumulates into the gradients. */
    public static GradCheck of(String op, Runnable forward, Runnable backward) {
        return new GradCheck(op, forward, backward);
    }

    /** The F32 inputs to differentiate, and their gradient tensors in the same order. */
    public GradCheck inputs(List<Tensor> xs, List<Tensor> dxs) {
        if (xs.size() != dxs.size()) {
            throw new IllegalArgumentException("inputs and gradients differ in count");
        }
        this.inputs = xs;
        this.dInputs = dxs;
        return this;
    }

    /** The outputs entering L, and the tensors backward reads their gradients from, in the same order. */
    public GradCheck outputs(List<Tensor> ys, List<Tensor> dys) {
        if (ys.size() != dys.size()) {
            throw new IllegalArgumentException("outputs and gradients differ in count");
        }
        this.outputs = ys;
        this.dOutputs = dys;
        return this;
    }

    public GradCheck eps(double e) {
        this.eps = e;
        return this;
    }

    public GradCheck tolerance(double absolute, double relative) {
        this.atol = absolute;
        this.rtol = relative;
        return this;
    }

    /** Elements checked per input (evenly spread; all of them when the input is smaller). */
    public GradCheck samples(int n) {
        this.samples = n;
        return this;
    }

    public GradCheck seed(long s) {
        this.seed = s;
        return this;
    }

    /** Runs the check; throws AssertionError naming the op, input, element and both values. */
    public void run() {
        SplittableRandom r = new SplittableRandom(seed);
        forward.run();
        for (Tensor dy : dOutputs) {
            Rand.uniform(dy, r, -1, 1);
        }
        float[][] g = new float[dOutputs.size()][];
        for (int i = 0; i < g.length; i++) {
            g[i] = dOutputs.get(i).toFloatArray();
        }
        float[][] before = new float[dInputs.size()][];
        for (int i = 0; i < dInputs.size(); i++) {
            Rand.uniform(dInputs.get(i), r, -1, 1);
            before[i] = dInputs.get(i).toFloatArray();
        }
        backward.run();
        for (int j = 0; j < inputs.size(); j++) {
            Tensor x = inputs.get(j);
            Tensor dx = dInputs.get(j);
            long n = x.numel();
            long stride = Math.max(1, n / samples);
            for (long i = (n <= samples ? 0 : r.nextLong(stride)); i < n; i += stride) {
                float orig = x.get(i);
                x.set(i, (float) (orig + eps));
                double plus = objective(g);
                x.set(i, (float) (orig - eps));
                double minus = objective(g);
                x.set(i, orig);
                // the nudged values are rounded to float: divide by the step actually taken
                double step = (double) (float) (orig + eps) - (double) (float) (orig - eps);
                double numeric = (plus - minus) / step;
                double analytic = (double) dx.get(i) - before[j][(int) i];
                double tol = atol + rtol * Math.max(Math.abs(numeric), Math.abs(analytic));
                if (!(Math.abs(numeric - analytic) <= tol)) {
                    throw new AssertionError(op + ": d/d " + x.name() + "[" + i + "] analytic " + analytic
                            + " vs finite difference " + numeric + " (eps " + eps + ", tol " + tol + ")");
                }
            }
        }
        forward.run();
    }

    private double objective(float[][] g) {
        forward.run();
        double sum = 0;
        for (int o = 0; o < outputs.size(); o++) {
            Tensor y = outputs.get(o);
            for (long i = 0; i < y.numel(); i++) {
                sum += (double) y.get(i) * g[o][(int) i];
            }
        }
        return sum;
    }
}
