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
 * Fast LayerNorm over the last dimension, rows in parallel ({@link BatchNorm} is the other norm). The dweight and
 * dbias sums across rows go through per-worker partials in scratch sized once, then are added in worker order:
 * race-free and deterministic per thread count.
 */
final class LayerNorm {
    private static final float LAYER_NORM_EPS = 1e-5f;
    /** Row elements per thread at least, so that a wake-up pays for itself. */
    private static final int GRAIN_ELEMENTS = 1 << 14;

    private final ThreadPool pool;
    private final ThreadPool.Body layerNormForwardBody = this::layerNormForwardRows;
    private final ThreadPool.Body layerNormBackwardBody = this::layerNormBackwardRows;

    // scratch, grown when a wider C first arrives: per-worker (dweight, dbias) partials, (threads, 2, C)
    private float[] partial = new float[0];

    // per-call arguments
    private MemorySegment out;
    private MemorySegment mean;
    private MemorySegment rstd;
    private MemorySegment inp;
    private MemorySegment weight;
    private MemorySegment bias;
    private MemorySegment dinp;
    private MemorySegment dout;
    private int c;

    LayerNorm(ThreadPool pool) {
        this.pool = pool;
    }

    private int rowGrain(int width) {
        return Math.max(1, GRAIN_ELEMENTS / width);
    }

    // out(N,C) = (inp - mean)·rstd·weight(C) + bias(C) per row; saves mean(N), rstd(N)
    void forward(Tensor o, Tensor mu, Tensor s, Tensor x, Tensor w, Tensor b, int rows, int width) {
        out = o.segment();
        mean = mu.segment();
        rstd = s.segment();
        inp = x.segment();
        weight = w.segment();
        bias = b.segment();
        c = width;
        pool.forRange(rows, rowGrain(width), layerNormForwardBody);
    }

    private void layerNormForwardRows(int worker, int begin, int end) {
        MemorySegment xs = inp;
        MemorySegment ys = out;
        MemorySegment ws = weight;
        MemorySegment bs = bias;
        int width = c;
        int bound = S.loopBound(width);
        int bound2 = width / (2 * S.length()) * (2 * S.length());
        for (int r = begin; r < end; r++) {
            long row = (long) r * width * 4;
            // two accumulators in each reduction halve the chain of dependent adds
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            int j = 0;
            for (; j < bound2; j += 2 * S.length()) {
                acc0 = acc0.add(FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER));
                acc1 = acc1.add(FloatVector.fromMemorySegment(S, xs, row + (j + S.length()) * 4L, ORDER));
            }
            for (; j < bound; j += S.length()) {
                acc0 = acc0.add(FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER));
            }
            float sum = Lanes.sum(acc0.add(acc1));
            for (; j < width; j++) {
                sum += xs.get(F32, row + j * 4L);
            }
            float mu = sum / width;
            // the variance as Σ(x - mean)² over the row again (in L1), not E[x²] - mean², which cancels
            // catastrophically when |mean| is large against the spread
            acc0 = FloatVector.zero(S);
            acc1 = FloatVector.zero(S);
            for (j = 0; j < bound2; j += 2 * S.length()) {
                FloatVector d0 = FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER).sub(mu);
                FloatVector d1 = FloatVector.fromMemorySegment(S, xs, row + (j + S.length()) * 4L, ORDER).sub(mu);
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
            }
            for (; j < bound; j += S.length()) {
                FloatVector d = FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER).sub(mu);
                acc0 = d.fma(d, acc0);
            }
            float sq = Lanes.sum(acc0.add(acc1));
            for (; j < width; j++) {
                float d = xs.get(F32, row + j * 4L) - mu;
                sq += d * d;
            }
            float s = (float) (1 / Math.sqrt(sq / width + LAYER_NORM_EPS));
            for (j = 0; j < bound; j += S.length()) {
                FloatVector x = FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER);
                FloatVector w = FloatVector.fromMemorySegment(S, ws, j * 4L, ORDER);
                FloatVector b = FloatVector.fromMemorySegment(S, bs, j * 4L, ORDER);
                x.sub(mu).mul(s).fma(w, b).intoMemorySegment(ys, row + j * 4L, ORDER);
            }
            for (; j < width; j++) {
                float norm = (xs.get(F32, row + j * 4L) - mu) * s;
                ys.set(F32, row + j * 4L, norm * ws.getAtIndex(F32, j) + bs.getAtIndex(F32, j));
            }
            mean.setAtIndex(F32, r, mu);
            rstd.setAtIndex(F32, r, s);
        }
    }

    // dinp(N,C) += (dnorm - mean(dnorm) - norm·mean(dnorm·norm))·rstd
    //   with dnorm = weight·dout, norm = (inp - mean)·rstd, means over the row;
    // dweight(C) += Σ_rows norm·dout; dbias(C) += Σ_rows dout (each output may be null)
    void backward(Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Tensor mu, Tensor s,
                           int rows, int width) {
        dinp = dx == null ? null : dx.segment();
        dout = dy.segment();
        inp = x.segment();
        weight = w.segment();
        mean = mu.segment();
        rstd = s.segment();
        c = width;
        int size = pool.threads() * 2 * width;
        if (partial.length < size) {
            partial = new float[size];
        }
        Arrays.fill(partial, 0, size, 0f);
        pool.forRange(rows, rowGrain(width), layerNormBackwardBody);
        // the per-worker (dweight, dbias) partials, added in worker order
        if (dw != null) {
            addPartials(dw.segment(), 0, width);
        }
        if (db != null) {
            addPartials(db.segment(), width, width);
        }
    }

    // dst(C) += Σ_workers partial[worker][half·C + j]
    private void addPartials(MemorySegment dst, int half, int width) {
        for (int j = 0; j < width; j++) {
            float sum = dst.getAtIndex(F32, j);
            for (int w = 0; w < pool.threads(); w++) {
                sum += partial[w * 2 * width + half + j];
            }
            dst.setAtIndex(F32, j, sum);
        }
    }

    private void layerNormBackwardRows(int worker, int begin, int end) {
        MemorySegment xs = inp;
        MemorySegment gs = dout;
        MemorySegment ws = weight;
        MemorySegment dxs = dinp;
        int width = c;
        int bound = S.loopBound(width);
        float[] part = partial;
        int dwAt = worker * 2 * width;
        int dbAt = dwAt + width;
        for (int r = begin; r < end; r++) {
            long row = (long) r * width * 4;
            float mu = mean.getAtIndex(F32, r);
            float s = rstd.getAtIndex(F32, r);
            // dinp needs the row means a = mean(dnorm), b = mean(dnorm·norm) first
            float a = 0;
            float b = 0;
            if (dxs != null) {
                FloatVector accA = FloatVector.zero(S);
                FloatVector accB = FloatVector.zero(S);
                int j = 0;
                for (; j < bound; j += S.length()) {
                    FloatVector dnorm = FloatVector.fromMemorySegment(S, ws, j * 4L, ORDER)
                            .mul(FloatVector.fromMemorySegment(S, gs, row + j * 4L, ORDER));
                    FloatVector norm = FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER).sub(mu).mul(s);
                    accA = accA.add(dnorm);
                    accB = dnorm.fma(norm, accB);
                }
                a = Lanes.sum(accA);
                b = Lanes.sum(accB);
                for (; j < width; j++) {
                    float dnorm = ws.getAtIndex(F32, j) * gs.get(F32, row + j * 4L);
                    a += dnorm;
                    b += dnorm * (xs.get(F32, row + j * 4L) - mu) * s;
                }
                a /= width;
                b /= width;
            }
            // one pass adds norm·dout and dout into this worker's (dweight, dbias) partials, and the row's dinp
            FloatVector sv = FloatVector.broadcast(S, s);
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector g = FloatVector.fromMemorySegment(S, gs, row + j * 4L, ORDER);
                FloatVector norm = FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER).sub(mu).mul(s);
                norm.fma(g, FloatVector.fromArray(S, part, dwAt + j)).intoArray(part, dwAt + j);
                g.add(FloatVector.fromArray(S, part, dbAt + j)).intoArray(part, dbAt + j);
                if (dxs != null) {
                    FloatVector dnorm = FloatVector.fromMemorySegment(S, ws, j * 4L, ORDER).mul(g);
                    FloatVector d = FloatVector.fromMemorySegment(S, dxs, row + j * 4L, ORDER);
                    norm.mul(-b).add(dnorm).sub(a).fma(sv, d).intoMemorySegment(dxs, row + j * 4L, ORDER);
                }
            }
            for (; j < width; j++) {
                float g = gs.get(F32, row + j * 4L);
                float norm = (xs.get(F32, row + j * 4L) - mu) * s;
                part[dwAt + j] += norm * g;
                part[dbAt + j] += g;
                if (dxs != null) {
                    float dnorm = ws.getAtIndex(F32, j) * g;
                    dxs.set(F32, row + j * 4L, dxs.get(F32, row + j * 4L) + (dnorm - a - norm * b) * s);
                }
            }
        }
    }
}
