package dev.ida4j.backend.cpu;

import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The copy/generate mixture, rows split across threads. Its rows are short (V is a task vocabulary of tens of
 * tokens, K a fact length), so the loops are scalar: the op is a few K·V multiply-adds per row, far below the
 * matrix products around it. Sums over the vocabulary are kept in double so that 1/p, which can reach 1/floor,
 * never overflows an intermediate.
 */
final class Mixture {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Elements a thread should get at least before waking another is worth it. */
    private static final int MIN_WORK = 1 << 13;

    private final ThreadPool pool;
    private final Forward forward = new Forward();
    private final Backward backward;

    Mixture(ThreadPool pool) {
        this.pool = pool;
        this.backward = new Backward(pool.threads());
    }

    // gen(N,V) = softmax(genLogits); mix(N,K+1) = softmax(mixLogits);
    // p = Σ_k mix_k·dists(N,K,V)_k + mix_K·gen; logp(N,V) = log(max(p, floor))
    void forward(Tensor logp, Tensor mix, Tensor gen, Tensor dists, Tensor genLogits, Tensor mixLogits,
                 int n, int k, int v) {
        Forward f = forward;
        f.logp = logp.segment();
        f.mix = mix.segment();
        f.gen = gen.segment();
        f.dists = dists.segment();
        f.genLogits = genLogits.segment();
        f.mixLogits = mixLogits.segment();
        f.k = k;
        f.v = v;
        pool.forRange(n, Math.max(1, MIN_WORK / ((k + 1) * v)), f);
    }

    // dp = dlogp/p (0 where the floor binds); ddists += mix_k·dp;
    // dgenLogits += gen ⊙ (dgen - Σ gen·dgen) with dgen = mix_K·dp;
    // dmixLogits += mix ⊙ (dmix - Σ mix·dmix) with dmix_k = Σ_v dists_k·dp, dmix_K = Σ_v gen·dp
    void backward(Tensor ddists, Tensor dgenLogits, Tensor dmixLogits, Tensor dlogp, Tensor dists, Tensor gen,
                  Tensor mix, int n, int k, int v) {
        Backward g = backward;
        g.ddists = ddists == null ? null : ddists.segment();
        g.dgenLogits = dgenLogits == null ? null : dgenLogits.segment();
        g.dmixLogits = dmixLogits == null ? null : dmixLogits.segment();
        g.dlogp = dlogp.segment();
        g.dists = dists.segment();
        g.gen = gen.segment();
        g.mix = mix.segment();
        g.k = k;
        g.v = v;
        for (int w = 0; w < g.dp.length; w++) {
            if (g.dp[w].length < v) {
                g.dp[w] = new double[v];
            }
            if (g.dmix[w].length < k + 1) {
                g.dmix[w] = new double[k + 1];
            }
        }
        pool.forRange(n, Math.max(1, MIN_WORK / ((k + 1) * v)), g);
    }

    /** Σ_k mix_k·dists_k[j] + mix_K·gen[j] of row i, in double. */
    private static double probability(MemorySegment dists, MemorySegment gen, MemorySegment mix, int i, int j,
                                      int k, int v) {
        long mixRow = (long) i * (k + 1);
        double p = (double) mix.getAtIndex(F32, mixRow + k) * gen.getAtIndex(F32, (long) i * v + j);
        for (int m = 0; m < k; m++) {
            p += (double) mix.getAtIndex(F32, mixRow + m) * dists.getAtIndex(F32, ((long) i * k + m) * v + j);
        }
        return p;
    }

    /** out[row..row+len) = softmax(x[row..row+len)), the max subtracted so exp never overflows. */
    private static void softmax(MemorySegment out, MemorySegment x, long row, int len) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
            max = Math.max(max, x.getAtIndex(F32, row + j));
        }
        double sum = 0;
        for (int j = 0; j < len; j++) {
            float e = (float) Math.exp(x.getAtIndex(F32, row + j) - max);
            out.setAtIndex(F32, row + j, e);
            sum += e;
        }
        float inv = (float) (1 / sum);
        for (int j = 0; j < len; j++) {
            out.setAtIndex(F32, row + j, out.getAtIndex(F32, row + j) * inv);
        }
    }

    /** Rows [begin, end). */
    private static final class Forward implements ThreadPool.Body {
        MemorySegment logp;
        MemorySegment mix;
        MemorySegment gen;
        MemorySegment dists;
        MemorySegment genLogits;
        MemorySegment mixLogits;
        int k;
        int v;

        @Override
        public void run(int worker, int begin, int end) {
            for (int i = begin; i < end; i++) {
                softmax(gen, genLogits, (long) i * v, v);
                softmax(mix, mixLogits, (long) i * (k + 1), k + 1);
                for (int j = 0; j < v; j++) {
                    double p = probability(dists, gen, mix, i, j, k, v);
                    logp.setAtIndex(F32, (long) i * v + j, (float) Math.log(Math.max(p, Backend.MIXTURE_FLOOR)));
                }
            }
        }
    }

    /** Rows [begin, end). */
    private static final class Backward implements ThreadPool.Body {
        final double[][] dp;   // (V) per worker: dlogp/p of the row being worked on
        final double[][] dmix; // (K+1) per worker
        MemorySegment ddists;
        MemorySegment dgenLogits;
        MemorySegment dmixLogits;
        MemorySegment dlogp;
        MemorySegment dists;
        MemorySegment gen;
        MemorySegment mix;
        int k;
        int v;

        Backward(int threads) {
            this.dp = new double[threads][0];
            this.dmix = new double[threads][0];
        }

        @Override
        public void run(int worker, int begin, int end) {
            double[] d = dp[worker];
            double[] dm = dmix[worker];
            for (int i = begin; i < end; i++) {
                long row = (long) i * v;
                long mixRow = (long) i * (k + 1);
                for (int j = 0; j < v; j++) {
                    // p recomputed rather than exp(logp): exact, and tells where the floor bound
                    double p = probability(dists, gen, mix, i, j, k, v);
                    d[j] = p > Backend.MIXTURE_FLOOR ? dlogp.getAtIndex(F32, row + j) / p : 0;
                }
                double mixDot = 0;
                for (int m = 0; m <= k; m++) {
                    double s = 0;
                    for (int j = 0; j < v; j++) {
                        float src = m < k ? dists.getAtIndex(F32, ((long) i * k + m) * v + j)
                                : gen.getAtIndex(F32, row + j);
                        s += src * d[j];
                    }
                    dm[m] = s;
                    mixDot += mix.getAtIndex(F32, mixRow + m) * s;
                }
                if (dmixLogits != null) {
                    for (int m = 0; m <= k; m++) {
                        long at = mixRow + m;
                        float mm = mix.getAtIndex(F32, at);
                        double g = mm * (dm[m] - mixDot);
                        dmixLogits.setAtIndex(F32, at, (float) (dmixLogits.getAtIndex(F32, at) + g));
                    }
                }
                double mixGen = mix.getAtIndex(F32, mixRow + k);
                if (dgenLogits != null) {
                    // Σ_j gen_j·dgen_j = mix_K·Σ_j gen_j·dp_j = mix_K·dmix[K]
                    for (int j = 0; j < v; j++) {
                        long at = row + j;
                        double g = gen.getAtIndex(F32, at) * mixGen * (d[j] - dm[k]);
                        dgenLogits.setAtIndex(F32, at, (float) (dgenLogits.getAtIndex(F32, at) + g));
                    }
                }
                for (int m = 0; ddists != null && m < k; m++) {
                    double w = mix.getAtIndex(F32, mixRow + m);
                    long base = ((long) i * k + m) * v;
                    for (int j = 0; j < v; j++) {
                        ddists.setAtIndex(F32, base + j, (float) (ddists.getAtIndex(F32, base + j) + w * d[j]));
                    }
                }
            }
        }
    }
}
