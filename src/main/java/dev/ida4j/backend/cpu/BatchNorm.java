package dev.ida4j.backend.cpu;

import static dev.ida4j.backend.cpu.Pointwise.F32;
import static dev.ida4j.backend.cpu.Pointwise.ORDER;
import static dev.ida4j.backend.cpu.Pointwise.S;

import dev.ida4j.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Fast BatchNorm over inp(N, C): per-channel statistics across rows. Rows are split over the pool; each worker
 * sums its rows into its own (2, C) partials (float lanes, flushed into double every {@link #FLUSH_ROWS} rows),
 * and the caller adds the workers' totals in worker order: race-free and deterministic per thread count.
 */
final class BatchNorm {
    /** Row elements per thread at least, so that a wake-up pays for itself. */
    private static final int GRAIN_ELEMENTS = 1 << 14;
    /** Rows summed in float lanes before the sums move into double. */
    private static final int FLUSH_ROWS = 64;
    // what sumRows adds up
    private static final int SUM_X = 0;
    private static final int SUM_CENTERED_SQUARES = 1;
    private static final int SUM_GRADIENTS = 2;

    private final ThreadPool pool;
    private final ThreadPool.Body sumBody = this::sumRowsRange;
    private final ThreadPool.Body normaliseBody = this::normaliseRows;
    private final ThreadPool.Body backwardBody = this::backwardRows;

    // scratch, grown when a wider C first arrives: per-worker (2, C) float partials and double totals, and
    // per-channel float constants (5, C) for the row passes
    private float[] partial = new float[0];
    private double[] total = new double[0];
    private float[] channel = new float[0];

    // per-call arguments
    private MemorySegment out;
    private MemorySegment inp;
    private MemorySegment dinp;
    private MemorySegment dout;
    private int n;
    private int c;
    private int sumMode;

    BatchNorm(ThreadPool pool) {
        this.pool = pool;
    }

    private void scratch(int width) {
        int size = pool.threads() * 2 * width;
        if (partial.length < size) {
            partial = new float[size];
            total = new double[size];
        }
        if (channel.length < 5 * width) {
            channel = new float[5 * width];
        }
    }

    private int rowGrain(int width) {
        return Math.max(1, GRAIN_ELEMENTS / width);
    }

    // out(N,C) = (inp - mean(C))·rstd(C)·weight(C) + bias(C); batch statistics in training, running ones otherwise
    void forward(Tensor o, Tensor mu, Tensor s, Tensor runningMean, Tensor runningVar, Tensor x, Tensor w, Tensor b,
                 float momentum, float eps, boolean training, int rows, int width) {
        out = o.segment();
        inp = x.segment();
        n = rows;
        c = width;
        scratch(width);
        MemorySegment ws = w.segment();
        MemorySegment bs = b.segment();
        MemorySegment rm = runningMean.segment();
        MemorySegment rv = runningVar.segment();
        float[] ch = channel;
        if (training) {
            sumRows(SUM_X);
            for (int j = 0; j < width; j++) {
                ch[j] = (float) (columnTotal(j, 0) / rows);
            }
            // the variance about the batch mean in a second pass, for the same reason as in LayerNorm
            sumRows(SUM_CENTERED_SQUARES);
            for (int j = 0; j < width; j++) {
                double sq = columnTotal(j, 0);
                double m = ch[j];
                // running stats as torch: the running variance is the unbiased one, sq/(N-1)
                rm.setAtIndex(F32, j, (float) ((1 - (double) momentum) * rm.getAtIndex(F32, j) + momentum * m));
                rv.setAtIndex(F32, j, (float) ((1 - (double) momentum) * rv.getAtIndex(F32, j)
                        + momentum * sq / (rows - 1)));
                ch[width + j] = (float) (1 / Math.sqrt(sq / rows + eps)); // normalising uses the biased variance
            }
        } else {
            for (int j = 0; j < width; j++) {
                ch[j] = rm.getAtIndex(F32, j);
                ch[width + j] = (float) (1 / Math.sqrt((double) rv.getAtIndex(F32, j) + eps));
            }
        }
        MemorySegment means = mu.segment();
        MemorySegment rstds = s.segment();
        for (int j = 0; j < width; j++) {
            means.setAtIndex(F32, j, ch[j]);
            rstds.setAtIndex(F32, j, ch[width + j]);
            ch[2 * width + j] = ch[width + j] * ws.getAtIndex(F32, j); // scale = rstd·weight
            ch[3 * width + j] = bs.getAtIndex(F32, j);
        }
        pool.forRange(rows, rowGrain(width), normaliseBody);
    }

    // out = (x - mean)·scale + bias with channel = [mean | rstd | scale | bias]
    private void normaliseRows(int worker, int begin, int end) {
        MemorySegment xs = inp;
        MemorySegment ys = out;
        float[] ch = channel;
        int width = c;
        int bound = S.loopBound(width);
        for (int r = begin; r < end; r++) {
            long row = (long) r * width * 4;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER)
                        .sub(FloatVector.fromArray(S, ch, j))
                        .fma(FloatVector.fromArray(S, ch, 2 * width + j), FloatVector.fromArray(S, ch, 3 * width + j))
                        .intoMemorySegment(ys, row + j * 4L, ORDER);
            }
            for (; j < width; j++) {
                ys.set(F32, row + j * 4L, (xs.get(F32, row + j * 4L) - ch[j]) * ch[2 * width + j] + ch[3 * width + j]);
            }
        }
    }

    // through the batch statistics: dinp(N,C) += weight·rstd·(dout - mean_rows(dout) - norm·mean_rows(dout·norm));
    // dweight(C) += Σ_rows dout·norm; dbias(C) += Σ_rows dout
    void backward(Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Tensor mu, Tensor s, int rows,
                  int width) {
        dinp = dx == null ? null : dx.segment();
        dout = dy.segment();
        inp = x.segment();
        n = rows;
        c = width;
        scratch(width);
        float[] ch = channel;
        MemorySegment means = mu.segment();
        MemorySegment rstds = s.segment();
        MemorySegment ws = w.segment();
        for (int j = 0; j < width; j++) {
            ch[j] = means.getAtIndex(F32, j);
            ch[width + j] = rstds.getAtIndex(F32, j);
        }
        sumRows(SUM_GRADIENTS);
        MemorySegment dws = dw == null ? null : dw.segment();
        MemorySegment dbs = db == null ? null : db.segment();
        for (int j = 0; j < width; j++) {
            double sumDout = columnTotal(j, 0);
            double sumDoutNorm = columnTotal(j, width);
            if (dws != null) {
                dws.setAtIndex(F32, j, (float) (dws.getAtIndex(F32, j) + sumDoutNorm));
            }
            if (dbs != null) {
                dbs.setAtIndex(F32, j, (float) (dbs.getAtIndex(F32, j) + sumDout));
            }
            ch[2 * width + j] = ws.getAtIndex(F32, j) * ch[width + j];
            ch[3 * width + j] = (float) (sumDout / rows);
            ch[4 * width + j] = (float) (sumDoutNorm / rows);
        }
        if (dinp != null) {
            pool.forRange(rows, rowGrain(width), backwardBody);
        }
    }

    // dinp += k·(dout - a - norm·b), norm = (x - mean)·rstd, with channel = [mean | rstd | k | a | b]
    private void backwardRows(int worker, int begin, int end) {
        MemorySegment xs = inp;
        MemorySegment gs = dout;
        MemorySegment dxs = dinp;
        float[] ch = channel;
        int width = c;
        int bound = S.loopBound(width);
        for (int r = begin; r < end; r++) {
            long row = (long) r * width * 4;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector norm = FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER)
                        .sub(FloatVector.fromArray(S, ch, j)).mul(FloatVector.fromArray(S, ch, width + j));
                FloatVector t = FloatVector.fromMemorySegment(S, gs, row + j * 4L, ORDER)
                        .sub(FloatVector.fromArray(S, ch, 3 * width + j))
                        .sub(norm.mul(FloatVector.fromArray(S, ch, 4 * width + j)));
                t.fma(FloatVector.fromArray(S, ch, 2 * width + j),
                                FloatVector.fromMemorySegment(S, dxs, row + j * 4L, ORDER))
                        .intoMemorySegment(dxs, row + j * 4L, ORDER);
            }
            for (; j < width; j++) {
                float norm = (xs.get(F32, row + j * 4L) - ch[j]) * ch[width + j];
                float t = gs.get(F32, row + j * 4L) - ch[3 * width + j] - norm * ch[4 * width + j];
                dxs.set(F32, row + j * 4L, dxs.get(F32, row + j * 4L) + t * ch[2 * width + j]);
            }
        }
    }

    // ---- column sums: per worker, float lanes over at most FLUSH_ROWS rows, then into double ----

    /** Per-worker column sums over all rows into total(threads, 2, C); sumMode picks what is summed. */
    private void sumRows(int mode) {
        sumMode = mode;
        int size = pool.threads() * 2 * c;
        Arrays.fill(partial, 0, size, 0f);
        Arrays.fill(total, 0, size, 0);
        pool.forRange(n, rowGrain(c), sumBody);
    }

    /** Σ over workers of total[worker][half + j], in worker order. */
    private double columnTotal(int j, int half) {
        double sum = 0;
        for (int w = 0; w < pool.threads(); w++) {
            sum += total[w * 2 * c + half + j];
        }
        return sum;
    }

    private void sumRowsRange(int worker, int begin, int end) {
        MemorySegment xs = inp;
        MemorySegment gs = dout;
        float[] part = partial;
        double[] tot = total;
        float[] ch = channel;
        int width = c;
        int at = worker * 2 * width;
        for (int r0 = begin; r0 < end; r0 += FLUSH_ROWS) {
            int r1 = Math.min(end, r0 + FLUSH_ROWS);
            for (int r = r0; r < r1; r++) {
                long row = (long) r * width * 4;
                switch (sumMode) {
                    case SUM_X -> addRow(part, at, xs, row, width);
                    case SUM_CENTERED_SQUARES -> addSquaresRow(part, at, xs, row, ch, width);
                    default -> addGradientRow(part, at, gs, xs, row, ch, width);
                }
            }
            // float lanes hold at most FLUSH_ROWS terms, so their rounding error stays ~1e-6 relative for any N
            for (int j = at; j < at + 2 * width; j++) {
                tot[j] += part[j];
                part[j] = 0;
            }
        }
    }

    // part[at + j] += x[j] over one row
    private static void addRow(float[] part, int at, MemorySegment xs, long row, int width) {
        int j = 0;
        for (int bound = S.loopBound(width); j < bound; j += S.length()) {
            FloatVector.fromArray(S, part, at + j)
                    .add(FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER))
                    .intoArray(part, at + j);
        }
        for (; j < width; j++) {
            part[at + j] += xs.get(F32, row + j * 4L);
        }
    }

    // part[at + j] += (x[j] - mean[j])² over one row, mean = channel[0, C)
    private static void addSquaresRow(float[] part, int at, MemorySegment xs, long row, float[] ch, int width) {
        int j = 0;
        for (int bound = S.loopBound(width); j < bound; j += S.length()) {
            FloatVector d = FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER)
                    .sub(FloatVector.fromArray(S, ch, j));
            d.fma(d, FloatVector.fromArray(S, part, at + j)).intoArray(part, at + j);
        }
        for (; j < width; j++) {
            float d = xs.get(F32, row + j * 4L) - ch[j];
            part[at + j] += d * d;
        }
    }

    // part[at + j] += dout[j]; part[at + C + j] += dout[j]·(x[j] - mean[j])·rstd[j], channel = [mean | rstd | ...]
    private static void addGradientRow(float[] part, int at, MemorySegment gs, MemorySegment xs, long row, float[] ch,
                                       int width) {
        int j = 0;
        for (int bound = S.loopBound(width); j < bound; j += S.length()) {
            FloatVector g = FloatVector.fromMemorySegment(S, gs, row + j * 4L, ORDER);
            FloatVector norm = FloatVector.fromMemorySegment(S, xs, row + j * 4L, ORDER)
                    .sub(FloatVector.fromArray(S, ch, j)).mul(FloatVector.fromArray(S, ch, width + j));
            g.add(FloatVector.fromArray(S, part, at + j)).intoArray(part, at + j);
            g.fma(norm, FloatVector.fromArray(S, part, at + width + j)).intoArray(part, at + width + j);
        }
        for (; j < width; j++) {
            float g = gs.get(F32, row + j * 4L);
            part[at + j] += g;
            part[at + width + j] += g * (xs.get(F32, row + j * 4L) - ch[j]) * ch[width + j];
        }
    }
}
