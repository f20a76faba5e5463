package dev.ida4j.backend.ref;

import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.Tensor;

/** Reference copy/generate mixture: softmaxes, the mixed probability and its log, all in double. */
final class RefMixture {
    private RefMixture() {
    }

    // gen(N,V) = softmax(genLogits); mix(N,K+1) = softmax(mixLogits);
    // p = Σ_k mix_k·dists(N,K,V)_k + mix_K·gen; logp(N,V) = log(max(p, floor))
    static void forward(Tensor logp, Tensor mix, Tensor gen, Tensor dists, Tensor genLogits, Tensor mixLogits,
                        int n, int k, int v) {
        for (int i = 0; i < n; i++) {
            softmax(gen, genLogits, (long) i * v, v);
            softmax(mix, mixLogits, (long) i * (k + 1), k + 1);
            for (int j = 0; j < v; j++) {
                double p = probability(dists, gen, mix, i, j, k, v);
                logp.set((long) i * v + j, (float) Math.log(Math.max(p, Backend.MIXTURE_FLOOR)));
            }
        }
    }

    // dp = dlogp/p (0 where the floor binds); ddists += mix_k·dp;
    // dgenLogits += gen ⊙ (dgen - Σ gen·dgen) with dgen = mix_K·dp;
    // dmixLogits += mix ⊙ (dmix - Σ mix·dmix) with dmix_k = Σ_v dists_k·dp, dmix_K = Σ_v gen·dp
    static void backward(Tensor ddists, Tensor dgenLogits, Tensor dmixLogits, Tensor dlogp, Tensor dists, Tensor gen,
                         Tensor mix, int n, int k, int v) {
        double[] dp = new double[v];
        double[] dmix = new double[k + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < v; j++) {
                // recomputed rather than exp(logp): exact, and tells where the floor bound
                double p = probability(dists, gen, mix, i, j, k, v);
                dp[j] = p > Backend.MIXTURE_FLOOR ? dlogp.get((long) i * v + j) / p : 0;
            }
            double mixDot = 0;
            for (int m = 0; m <= k; m++) {
                double s = 0;
                for (int j = 0; j < v; j++) {
                    s += (m < k ? dists.get(((long) i * k + m) * v + j) : gen.get((long) i * v + j)) * dp[j];
                }
                dmix[m] = s;
                mixDot += mix.get((long) i * (k + 1) + m) * s;
            }
            if (dmixLogits != null) {
                for (int m = 0; m <= k; m++) {
                    long at = (long) i * (k + 1) + m;
                    dmixLogits.set(at, (float) (dmixLogits.get(at) + mix.get(at) * (dmix[m] - mixDot)));
                }
            }
            double mixGen = mix.get((long) i * (k + 1) + k);
            if (dgenLogits != null) {
                // Σ_j gen_j·dgen_j = mix_K·Σ_j gen_j·dp_j = mix_K·dmix[K]
                for (int j = 0; j < v; j++) {
                    long at = (long) i * v + j;
                    double g = gen.get(at) * (mixGen * dp[j] - mixGen * dmix[k]);
                    dgenLogits.set(at, (float) (dgenLogits.get(at) + g));
                }
            }
            for (int m = 0; ddists != null && m < k; m++) {
                double w = mix.get((long) i * (k + 1) + m);
                for (int j = 0; j < v; j++) {
                    long at = ((long) i * k + m) * v + j;
                    ddists.set(at, (float) (ddists.get(at) + w * dp[j]));
                }
            }
        }
    }

    private static double probability(Tensor dists, Tensor gen, Tensor mix, int i, int j, int k, int v) {
        double p = (double) mix.get((long) i * (k + 1) + k) * gen.get((long) i * v + j);
        for (int m = 0; m < k; m++) {
            p += (double) mix.get((long) i * (k + 1) + m) * dists.get(((long) i * k + m) * v + j);
        }
        return p;
    }

    // out[row..row+len) = softmax(x[row..row+len)), max subtracted so exp never overflows
    private static void softmax(Tensor out, Tensor x, long row, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
            max = Math.max(max, x.get(row + j));
        }
        double sum = 0;
        for (int j = 0; j < len; j++) {
            sum += Math.exp(x.get(row + j) - max);
        }
        for (int j = 0; j < len; j++) {
            out.set(row + j, (float) (Math.exp(x.get(row + j) - max) / sum));
        }
    }
}
