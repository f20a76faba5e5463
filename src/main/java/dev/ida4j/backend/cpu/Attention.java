package dev.ida4j.backend.cpu;

import dev.ida4j.tensor.Tensor;

/** STUB: multi-head attention (causal self-attention, masked cross-attention), forward and backward. */
final class Attention {
    private final ThreadPool pool;
    private final Gemm gemm;

    Attention(ThreadPool pool, Gemm gemm) {
        this.pool = pool;
        this.gemm = gemm;
    }

    void forward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask,
                 int b, int tq, int tk, int nh, int hs, boolean causal) {
        throw new UnsupportedOperationException("TODO");
    }

    void backward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v, Tensor att,
                  int b, int tq, int tk, int nh, int hs) {
        throw new UnsupportedOperationException("TODO");
    }
}
