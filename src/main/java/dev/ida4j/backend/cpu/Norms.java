package dev.ida4j.backend.cpu;

import dev.ida4j.tensor.Tensor;

/** STUB: LayerNorm and BatchNorm, forward and backward. */
final class Norms {
    private final ThreadPool pool;

    Norms(ThreadPool pool) {
        this.pool = pool;
    }

    void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias, int n, int c) {
        throw new UnsupportedOperationException("TODO");
    }

    void layerNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                           Tensor mean, Tensor rstd, int n, int c) {
        throw new UnsupportedOperationException("TODO");
    }

    void batchNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor runningMean, Tensor runningVar, Tensor inp,
                          Tensor weight, Tensor bias, float momentum, float eps, boolean training, int n, int c) {
        throw new UnsupportedOperationException("TODO");
    }

    void batchNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                           Tensor mean, Tensor rstd, int n, int c) {
        throw new UnsupportedOperationException("TODO");
    }
}
