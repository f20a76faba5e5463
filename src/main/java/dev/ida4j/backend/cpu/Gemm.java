package dev.ida4j.backend.cpu;

import dev.ida4j.tensor.Tensor;

/** STUB: packed, blocked Vector API SGEMM and the linear layer built on it. */
final class Gemm {
    private final ThreadPool pool;

    Gemm(ThreadPool pool) {
        this.pool = pool;
    }

    void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB, boolean accumulate) {
        throw new UnsupportedOperationException("TODO");
    }

    void linearForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        throw new UnsupportedOperationException("TODO");
    }

    void linearBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                        int n, int c, int oc) {
        throw new UnsupportedOperationException("TODO");
    }
}
