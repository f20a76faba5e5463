package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/** Reference matrix product and linear layer: triple loops, double sums. */
final class RefLinear {
    private RefLinear() {
    }

    // c(M,N) = [c +] op(a)·op(b)
    static void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB,
                       boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? c.get((long) i * n + j) : 0;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a.get((long) p * m + i) : a.get((long) i * k + p);
                    float bpj = transB ? b.get((long) j * k + p) : b.get((long) p * n + j);
                    sum += (double) aip * bpj;
                }
                c.set((long) i * n + j, (float) sum);
            }
        }
    }

    // out(N,OC) = inp(N,C)·weight(OC,C)ᵀ + bias(OC)
    static void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        matmul(out, inp, weight, n, oc, c, false, true, false);
        if (bias != null) {
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < oc; o++) {
                    long at = (long) i * oc + o;
                    out.set(at, out.get(at) + bias.get(o));
                }
            }
        }
    }

    // dinp(N,C) += dout(N,OC)·weight(OC,C); dweight(OC,C) += doutᵀ·inp(N,C); dbias(OC) += Σ_rows dout
    static void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                         int n, int c, int oc) {
        if (dinp != null) {
            matmul(dinp, dout, weight, n, c, oc, false, false, true);
        }
        if (dweight != null) {
            matmul(dweight, dout, inp, oc, c, n, true, false, true);
        }
        if (dbias != null) {
            for (int o = 0; o < oc; o++) {
                double sum = dbias.get(o);
                for (int i = 0; i < n; i++) {
                    sum += dout.get((long) i * oc + o);
                }
                dbias.set(o, (float) sum);
            }
        }
    }
}
