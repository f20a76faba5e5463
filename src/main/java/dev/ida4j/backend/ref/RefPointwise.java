package dev.ida4j.backend.ref;

import dev.ida4j.backend.Activation;
import dev.ida4j.tensor.Tensor;

/** STUB: reference activations, residual add and dropout. */
final class RefPointwise {
    private RefPointwise() {
    }

    static void activationForward(Tensor out, Tensor inp, Activation act, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    static void activationBackward(Tensor dinp, Tensor dout, Tensor inp, Activation act, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    static void residualForward(Tensor out, Tensor a, Tensor b, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    static void residualBackward(Tensor da, Tensor db, Tensor dout, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    static void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed, long n) {
        throw new UnsupportedOperationException("TODO");
    }

    static void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask, long n) {
        throw new UnsupportedOperationException("TODO");
    }
}
