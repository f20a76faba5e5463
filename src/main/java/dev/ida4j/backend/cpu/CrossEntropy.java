package dev.ida4j.backend.cpu;

import dev.ida4j.tensor.Tensor;

/** STUB: fused softmax + cross-entropy with a target mask. */
final class CrossEntropy {
    private final ThreadPool pool;

    CrossEntropy(ThreadPool pool) {
        this.pool = pool;
    }

    void forward(Tensor losses, Tensor probs, Tensor logits, Tensor targets, Tensor mask, int n, int v) {
        throw new UnsupportedOperationException("TODO");
    }

    void backward(Tensor dlogits, Tensor dlosses, Tensor probs, Tensor targets, Tensor mask, int n, int v) {
        throw new UnsupportedOperationException("TODO");
    }
}
