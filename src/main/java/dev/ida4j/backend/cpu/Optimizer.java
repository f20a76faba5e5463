package dev.ida4j.backend.cpu;

import dev.ida4j.tensor.Tensor;

/** STUB: flat optimizer loops: sum of squares, AdamW, EMA. */
final class Optimizer {
    private final ThreadPool pool;

    Optimizer(ThreadPool pool) {
        this.pool = pool;
    }

    double sumSquares(Tensor x, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    void adamW(Tensor params, Tensor grads, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
               float weightDecay, float gradScale, int t, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    void ema(Tensor ema, Tensor x, float rate, long n) {
        throw new UnsupportedOperationException("TODO");
    }
}
