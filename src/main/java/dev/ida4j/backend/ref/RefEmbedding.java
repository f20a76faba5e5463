package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/** STUB: reference embedding lookup. */
final class RefEmbedding {
    private RefEmbedding() {
    }

    static void forward(Tensor out, Tensor ids, Tensor wte, Tensor wpe, int b, int t, int c) {
        throw new UnsupportedOperationException("TODO");
    }

    static void backward(Tensor dwte, Tensor dwpe, Tensor dout, Tensor ids, int b, int t, int c) {
        throw new UnsupportedOperationException("TODO");
    }
}
