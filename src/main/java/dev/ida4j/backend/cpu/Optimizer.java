package dev.ida4j.backend.cpu;

import static dev.ida4j.backend.cpu.Pointwise.F32;
import static dev.ida4j.backend.cpu.Pointwise.ORDER;
import static dev.ida4j.backend.cpu.Pointwise.S;

import dev.ida4j.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Fast flat optimizer loops over whole parameter blocks: sum of squares (for the global gradient norm), AdamW,
 * EMA. One vectorised pass each, a {@link Blocks#BLOCK}-element block at a time over the pool.
 */
final class Optimizer {
    private final Blocks sumSquaresBlocks;
    private final Blocks adamWBlocks;
    private final Blocks emaBlocks;
    /** Per-worker partial sums, added in worker order so that a thread count always gives the same result. */
    private final double[] partials;

    // per-call arguments
    private MemorySegment x;
    private MemorySegment g;
    private MemorySegment m;
    private MemorySegment v;
    private float decay;
    private float beta1;
    private float beta2;
    private float gradScale;
    private float stepSize;
    private float rsqrtBias2;
    private float eps;
    private float rate;

    Optimizer(ThreadPool pool) {
        this.partials = new double[pool.threads()];
        sumSquaresBlocks = new Blocks(pool, this::sumSquaresBlock);
        adamWBlocks = new Blocks(pool, this::adamWBlock);
        emaBlocks = new Blocks(pool, this::emaBlock);
    }

    // ---- sum of squares ----

    // Σ x(n)²
    double sumSquares(Tensor t, long count) {
        x = t.segment();
        Arrays.fill(partials, 0);
        sumSquaresBlocks.run(count);
        double sum = 0;
        for (double p : partials) {
            sum += p;
        }
        return sum;
    }

    // each block is summed in float lanes (at most Blocks.BLOCK/16 terms per lane, so fp32 error stays near 1e-6
    // relative) and the block totals in double, so the error does not grow with n
    private void sumSquaresBlock(int worker, long base, int len) {
        MemorySegment xs = x;
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int j = 0;
        // two accumulators hide the add latency
        for (int bound = len / (2 * S.length()) * (2 * S.length()); j < bound; j += 2 * S.length()) {
            FloatVector a = FloatVector.fromMemorySegment(S, xs, (base + j) * 4, ORDER);
            FloatVector b = FloatVector.fromMemorySegment(S, xs, (base + j + S.length()) * 4, ORDER);
            acc0 = a.fma(a, acc0);
            acc1 = b.fma(b, acc1);
        }
        double block = Lanes.sum(acc0.add(acc1));
        for (; j < len; j++) {
            double xi = xs.getAtIndex(F32, base + j);
            block += xi * xi;
        }
        partials[worker] += block;
    }

    // ---- AdamW ----

    // params, m, v (n) updated in place from grads (n), as torch.optim.AdamW
    void adamW(Tensor params, Tensor grads, Tensor mt, Tensor vt, float lr, float b1, float b2, float epsilon,
               float weightDecay, float scale, int t, long count) {
        x = params.segment();
        g = grads.segment();
        m = mt.segment();
        v = vt.segment();
        beta1 = b1;
        beta2 = b2;
        eps = epsilon;
        gradScale = scale;
        // the bias corrections once per call in double: lr·m/bc1 / (sqrt(v/bc2) + eps)
        // = stepSize·m / (sqrt(v)·rsqrtBias2 + eps), the form torch evaluates too
        double bias1 = 1 - Math.pow(b1, t);
        double bias2 = 1 - Math.pow(b2, t);
        decay = (float) (1 - (double) lr * weightDecay);
        stepSize = (float) (lr / bias1);
        rsqrtBias2 = (float) (1 / Math.sqrt(bias2));
        adamWBlocks.run(count);
    }

    private void adamWBlock(int worker, long base, int len) {
        MemorySegment ps = x;
        MemorySegment gs = g;
        MemorySegment ms = m;
        MemorySegment vs = v;
        float b1 = beta1;
        float b2 = beta2;
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += S.length()) {
            long at = (base + j) * 4;
            FloatVector gi = FloatVector.fromMemorySegment(S, gs, at, ORDER).mul(gradScale);
            FloatVector mi = FloatVector.fromMemorySegment(S, ms, at, ORDER).mul(b1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromMemorySegment(S, vs, at, ORDER).mul(b2).add(gi.mul(gi).mul(c2));
            FloatVector denom = vi.sqrt().fma(rsqrtBias2, eps);
            FloatVector pi = FloatVector.fromMemorySegment(S, ps, at, ORDER).mul(decay);
            pi.sub(mi.mul(stepSize).div(denom)).intoMemorySegment(ps, at, ORDER);
            mi.intoMemorySegment(ms, at, ORDER);
            vi.intoMemorySegment(vs, at, ORDER);
        }
        for (; j < len; j++) {
            long i = base + j;
            float gi = gs.getAtIndex(F32, i) * gradScale;
            float mi = b1 * ms.getAtIndex(F32, i) + c1 * gi;
            float vi = b2 * vs.getAtIndex(F32, i) + c2 * gi * gi;
            float pi = ps.getAtIndex(F32, i) * decay;
            ps.setAtIndex(F32, i, pi - stepSize * mi / ((float) Math.sqrt(vi) * rsqrtBias2 + eps));
            ms.setAtIndex(F32, i, mi);
            vs.setAtIndex(F32, i, vi);
        }
    }

    // ---- EMA ----

    // ema(n) += rate·(x - ema)
    void ema(Tensor ema, Tensor xt, float r, long count) {
        m = ema.segment();
        x = xt.segment();
        rate = r;
        emaBlocks.run(count);
    }

    private void emaBlock(int worker, long base, int len) {
        MemorySegment es = m;
        MemorySegment xs = x;
        FloatVector r = FloatVector.broadcast(S, rate);
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += S.length()) {
            long off = (base + j) * 4;
            FloatVector e = FloatVector.fromMemorySegment(S, es, off, ORDER);
            FloatVector.fromMemorySegment(S, xs, off, ORDER).sub(e).fma(r, e).intoMemorySegment(es, off, ORDER);
        }
        for (; j < len; j++) {
            long i = base + j;
            float e = es.getAtIndex(F32, i);
            es.setAtIndex(F32, i, e + rate * (xs.getAtIndex(F32, i) - e));
        }
    }
}
