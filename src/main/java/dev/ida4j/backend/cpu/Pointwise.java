package dev.ida4j.backend.cpu;

import dev.ida4j.backend.Activation;
import dev.ida4j.tensor.Tensor;

/** STUB: fill, activations, residual add and dropout. */
final class Pointwise {
    private final ThreadPool pool;

    Pointwise(ThreadPool pool) {
        this.pool = pool;
    }

    void fill(Tensor t, float value) {
        throw new UnsupportedOperationException("TODO");
    }

    void activationForward(Tensor out, Tensor inp, Activation act, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    void activationBackward(Tensor dinp, Tensor dout, Tensor inp, Activation act, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    void residualForward(Tensor out, Tensor a, Tensor b, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    void residualBackward(Tensor da, Tensor db, Tensor dout, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask, long n) {
        throw new UnsupportedOperationException("TODO");
    }
}
