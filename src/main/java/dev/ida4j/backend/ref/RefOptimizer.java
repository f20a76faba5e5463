package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/** STUB: reference optimizer loops. */
final class RefOptimizer {
    private RefOptimizer() {
    }

    static double sumSquares(Tensor x, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    static void adamW(Tensor params, Tensor grads, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                      float weightDecay, float gradScale, int t, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    static void ema(Tensor ema, Tensor x, float rate, long n) {
        throw new UnsupportedOperationException("TODO");
    }
}
