package dev.ida4j.backend.ref;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.DropoutRng;
import dev.ida4j.tensor.Tensor;

/** Reference activations (GELU tanh approximation, ReLU), residual add and inverted dropout, in double. */
final class RefPointwise {
    private static final double GELU_SCALE = Math.sqrt(2 / Math.PI);
    private static final double GELU_CUBE = 0.044715;

    private RefPointwise() {
    }

    // out(n) = act(inp(n))
    static void activationForward(Tensor out, Tensor inp, Activation act, long n) {
        for (long i = 0; i < n; i++) {
            double x = inp.get(i);
            double y = switch (act) {
                case GELU -> 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x)));
                case RELU -> x > 0 ? x : 0;
            };
            out.set(i, (float) y);
        }
    }

    // dinp(n) += act'(inp)·dout
    static void activationBackward(Tensor dinp, Tensor dout, Tensor inp, Activation act, long n) {
        for (long i = 0; i < n; i++) {
            double x = inp.get(i);
            double grad = switch (act) {
                case GELU -> {
                    double th = Math.tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x));
                    double du = GELU_SCALE * (1 + 3 * GELU_CUBE * x * x);
                    // d/dx 0.5x(1 + tanh u) = 0.5(1 + tanh u) + 0.5x(1 - tanh² u)·du/dx
                    yield 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * du;
                }
                case RELU -> x > 0 ? 1 : 0;
            };
            dinp.set(i, (float) (dinp.get(i) + grad * dout.get(i)));
        }
    }

    // out(n) = a + b
    static void residualForward(Tensor out, Tensor a, Tensor b, long n) {
        for (long i = 0; i < n; i++) {
            out.set(i, a.get(i) + b.get(i));
        }
    }

    // da(n) += dout; db(n) += dout
    static void residualBackward(Tensor da, Tensor db, Tensor dout, long n) {
        for (long i = 0; i < n; i++) {
            float g = dout.get(i);
            if (da != null) {
                da.set(i, da.get(i) + g);
            }
            if (db != null) {
                db.set(i, db.get(i) + g);
            }
        }
    }

    // mask(n) = 0 with probability p else 1/(1-p), from (seed, i) alone; out(n) = inp·mask
    static void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed, long n) {
        for (long i = 0; i < n; i++) {
            float m = DropoutRng.mask(seed, i, p);
            mask.set(i, m);
            out.set(i, inp.get(i) * m);
        }
    }

    // dinp(n) += dout·mask
    static void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask, long n) {
        for (long i = 0; i < n; i++) {
            dinp.set(i, dinp.get(i) + dout.get(i) * mask.get(i));
        }
    }
}
