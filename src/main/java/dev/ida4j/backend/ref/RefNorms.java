package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/** STUB: reference LayerNorm and BatchNorm. */
final class RefNorms {
    private RefNorms() {
    }

    static void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias,
                                 int n, int c) {
        throw new UnsupportedOperationException("TODO");
    }

    static void layerNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        throw new UnsupportedOperationException("TODO");
    }

    static void batchNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor runningMean, Tensor runningVar,
                                 Tensor inp, Tensor weight, Tensor bias, float momentum, float eps, boolean training,
                                 int n, int c) {
        throw new UnsupportedOperationException("TODO");
    }

    static void batchNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        throw new UnsupportedOperationException("TODO");
    }
}
