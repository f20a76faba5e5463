package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/** Reference LayerNorm (per row over C) and BatchNorm (per channel over N), forward and backward, in double. */
final class RefNorms {
    private static final double LAYER_NORM_EPS = 1e-5;

    private RefNorms() {
    }

    // out(N,C) = (inp - mean)·rstd·weight(C) + bias(C) per row; saves mean(N), rstd(N)
    static void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias,
                                 int n, int c) {
        for (int r = 0; r < n; r++) {
            long row = (long) r * c;
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += inp.get(row + j);
            }
            double mu = sum / c;
            double sq = 0;
            for (int j = 0; j < c; j++) {
                double d = inp.get(row + j) - mu;
                sq += d * d;
            }
            double s = 1 / Math.sqrt(sq / c + LAYER_NORM_EPS); // biased variance, as torch
            for (int j = 0; j < c; j++) {
                out.set(row + j, (float) ((inp.get(row + j) - mu) * s * weight.get(j) + bias.get(j)));
            }
            mean.set(r, (float) mu);
            rstd.set(r, (float) s);
        }
    }

    // dinp(N,C) += (dnorm - mean(dnorm) - norm·mean(dnorm·norm))·rstd
    //   with dnorm = weight·dout, norm = (inp - mean)·rstd, means over the row;
    // dweight(C) += Σ_rows norm·dout; dbias(C) += Σ_rows dout
    static void layerNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        if (dinp != null) {
            for (int r = 0; r < n; r++) {
                long row = (long) r * c;
                double mu = mean.get(r);
                double s = rstd.get(r);
                double dnormMean = 0;
                double dnormNormMean = 0;
                for (int j = 0; j < c; j++) {
                    double dnorm = (double) weight.get(j) * dout.get(row + j);
                    dnormMean += dnorm;
                    dnormNormMean += dnorm * (inp.get(row + j) - mu) * s;
                }
                dnormMean /= c;
                dnormNormMean /= c;
                for (int j = 0; j < c; j++) {
                    double dnorm = (double) weight.get(j) * dout.get(row + j);
                    double norm = (inp.get(row + j) - mu) * s;
                    dinp.set(row + j, (float) (dinp.get(row + j) + (dnorm - dnormMean - norm * dnormNormMean) * s));
                }
            }
        }
        for (int j = 0; j < c; j++) {
            double dw = dweight == null ? 0 : dweight.get(j);
            double db = dbias == null ? 0 : dbias.get(j);
            for (int r = 0; r < n; r++) {
                double g = dout.get((long) r * c + j);
                dw += (inp.get((long) r * c + j) - (double) mean.get(r)) * rstd.get(r) * g;
                db += g;
            }
            if (dweight != null) {
                dweight.set(j, (float) dw);
            }
            if (dbias != null) {
                dbias.set(j, (float) db);
            }
        }
    }

    // out(N,C) = (inp - mean(C))·rstd(C)·weight(C) + bias(C); batch statistics in training, running ones otherwise
    static void batchNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor runningMean, Tensor runningVar,
                                 Tensor inp, Tensor weight, Tensor bias, float momentum, float eps, boolean training,
                                 int n, int c) {
        for (int j = 0; j < c; j++) {
            double mu;
            double var;
            if (training) {
                double sum = 0;
                for (int r = 0; r < n; r++) {
                    sum += inp.get((long) r * c + j);
                }
                mu = sum / n;
                double sq = 0;
                for (int r = 0; r < n; r++) {
                    double d = inp.get((long) r * c + j) - mu;
                    sq += d * d;
                }
                var = sq / n; // normalising uses the biased variance
                // the running variance is the unbiased one, n/(n-1) times larger, as torch keeps it
                runningMean.set(j, (float) ((1 - (double) momentum) * runningMean.get(j) + momentum * mu));
                runningVar.set(j, (float) ((1 - (double) momentum) * runningVar.get(j) + momentum * sq / (n - 1)));
            } else {
                mu = runningMean.get(j);
                var = runningVar.get(j);
            }
            double s = 1 / Math.sqrt(var + eps);
            for (int r = 0; r < n; r++) {
                long at = (long) r * c + j;
                out.set(at, (float) ((inp.get(at) - mu) * s * weight.get(j) + bias.get(j)));
            }
            mean.set(j, (float) mu);
            rstd.set(j, (float) s);
        }
    }

    // through the batch statistics: dinp(N,C) += weight·rstd·(dout - mean_rows(dout) - norm·mean_rows(dout·norm));
    // dweight(C) += Σ_rows dout·norm; dbias(C) += Σ_rows dout
    static void batchNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        for (int j = 0; j < c; j++) {
            double mu = mean.get(j);
            double s = rstd.get(j);
            double sumDout = 0;
            double sumDoutNorm = 0;
            for (int r = 0; r < n; r++) {
                long at = (long) r * c + j;
                sumDout += dout.get(at);
                sumDoutNorm += dout.get(at) * (inp.get(at) - mu) * s;
            }
            if (dinp != null) {
                for (int r = 0; r < n; r++) {
                    long at = (long) r * c + j;
                    double norm = (inp.get(at) - mu) * s;
                    double g = weight.get(j) * s * (dout.get(at) - sumDout / n - norm * sumDoutNorm / n);
                    dinp.set(at, (float) (dinp.get(at) + g));
                }
            }
            if (dweight != null) {
                dweight.set(j, (float) (dweight.get(j) + sumDoutNorm));
            }
            if (dbias != null) {
                dbias.set(j, (float) (dbias.get(j) + sumDout));
            }
        }
    }
}
