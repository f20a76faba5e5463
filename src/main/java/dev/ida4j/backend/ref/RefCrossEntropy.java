package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/** STUB: reference softmax + cross-entropy. */
final class RefCrossEntropy {
    private RefCrossEntropy() {
    }

    static void forward(Tensor losses, Tensor probs, Tensor logits, Tensor targets, Tensor mask, int n, int v) {
        throw new UnsupportedOperationException("TODO");
    }

    static void backward(Tensor dlogits, Tensor dlosses, Tensor probs, Tensor targets, Tensor mask, int n, int v) {
        throw new UnsupportedOperationException("TODO");
    }
}
