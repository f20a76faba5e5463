package dev.ida4j.backend.cpu;

import dev.ida4j.tensor.Tensor;

/** STUB: token + position embedding lookup and its scatter-add backward. */
final class Embedding {
    private final ThreadPool pool;

    Embedding(ThreadPool pool) {
        this.pool = pool;
    }

    void forward(Tensor out, Tensor ids, Tensor wte, Tensor wpe, int b, int t, int c) {
        throw new UnsupportedOperationException("TODO");
    }

    void backward(Tensor dwte, Tensor dwpe, Tensor dout, Tensor ids, int b, int t, int c) {
        throw new UnsupportedOperationException("TODO");
    }
}
