package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/** Reference optimizer loops: sum of squares, AdamW as torch.optim.AdamW, exponential moving average; in double. */
final class RefOptimizer {
    private RefOptimizer() {
    }

    // Σ x(n)²
    static double sumSquares(Tensor x, long n) {
        double sum = 0;
        for (long i = 0; i < n; i++) {
            double xi = x.get(i);
            sum += xi * xi;
        }
        return sum;
    }

    // params, m, v (n) updated in place from grads (n)
    static void adamW(Tensor params, Tensor grads, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                      float weightDecay, float gradScale, int t, long n) {
        double bias1 = 1 - Math.pow(beta1, t);
        double bias2 = 1 - Math.pow(beta2, t);
        for (long i = 0; i < n; i++) {
            double g = (double) grads.get(i) * gradScale;
            double p = params.get(i);
            p -= (double) lr * weightDecay * p; // decoupled decay, applied before the Adam step as torch does
            double mi = beta1 * (double) m.get(i) + (1 - (double) beta1) * g;
            double vi = beta2 * (double) v.get(i) + (1 - (double) beta2) * g * g;
            double mhat = mi / bias1;
            double vhat = vi / bias2;
            p -= lr * mhat / (Math.sqrt(vhat) + eps);
            m.set(i, (float) mi);
            v.set(i, (float) vi);
            params.set(i, (float) p);
        }
    }

    // ema(n) += rate·(x - ema)
    static void ema(Tensor ema, Tensor x, float rate, long n) {
        for (long i = 0; i < n; i++) {
            double e = ema.get(i);
            ema.set(i, (float) (e + rate * (x.get(i) - e)));
        }
    }
}
