package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/** STUB: reference multi-head attention. */
final class RefAttention {
    private RefAttention() {
    }

    static void forward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask,
                        int b, int tq, int tk, int nh, int hs, boolean causal) {
        throw new UnsupportedOperationException("TODO");
    }

    static void backward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v, Tensor att,
                         int b, int tq, int tk, int nh, int hs) {
        throw new UnsupportedOperationException("TODO");
    }
}
