package dev.ida4j.backend.cpu;

import dev.ida4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused softmax + cross-entropy with an optional per-row mask. Rows are independent and split across threads. Each
 * row is copied into the thread's buffer (its max taken on the way), padded to whole vectors with -inf (which count
 * in neither max nor sum), turned into exponentials by {@link AttentionSoftmax}, and scaled into probs; the loss
 * comes from log-sum-exp.
 */
final class CrossEntropy {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    /** Elements a thread should get at least before waking another is worth it. */
    private static final int MIN_WORK = 1 << 14;

    private final ThreadPool pool;
    private final Forward forward;
    private final Backward backward = new Backward();

    CrossEntropy(ThreadPool pool, Arena arena) {
        this.pool = pool;
        this.forward = new Forward(arena, pool.threads());
    }

    // probs(N,V) = softmax(logits(N,V)); losses(N) = -log probs[targets] · mask
    void forward(Tensor losses, Tensor probs, Tensor logits, Tensor targets, Tensor mask, int n, int v) {
        Forward f = forward;
        f.targets = targets.segment();
        checkTargets("crossEntropyForward", f.targets, n, v);
        f.losses = losses.segment();
        f.probs = probs.segment();
        f.logits = logits.segment();
        f.mask = mask == null ? null : mask.segment();
        f.v = v;
        int vp = (v + L - 1) / L * L;
        for (int w = 0; w < f.rows.length; w++) {
            if (f.rows[w].length < vp) {
                f.rows[w] = new float[vp];
            }
        }
        pool.forRange(n, Math.max(1, MIN_WORK / v), f);
    }

    // dlogits(N,V) += dlosses(N)·mask·(probs - onehot(targets))
    void backward(Tensor dlogits, Tensor dlosses, Tensor probs, Tensor targets, Tensor mask, int n, int v) {
        Backward g = backward;
        g.targets = targets.segment();
        checkTargets("crossEntropyBackward", g.targets, n, v);
        g.dlogits = dlogits.segment();
        g.dlosses = dlosses.segment();
        g.probs = probs.segment();
        g.mask = mask == null ? null : mask.segment();
        g.v = v;
        pool.forRange(n, Math.max(1, MIN_WORK / v), g);
    }

    private static void checkTargets(String op, MemorySegment targets, int n, int v) {
        for (int i = 0; i < n; i++) {
            int target = targets.getAtIndex(I32, i);
            if (target < 0 || target >= v) {
                throw new IllegalArgumentException(op + ": targets[" + i + "] = " + target
                        + " is outside the vocabulary [0, " + v + ")");
            }
        }
    }

    /** Rows [begin, end). */
    private static final class Forward implements ThreadPool.Body {
        final float[][] rows;  // (V rounded up to whole vectors) per worker: one row being worked on
        final MemorySegment lanes; // one vector per worker, for AttentionSoftmax
        MemorySegment losses;
        MemorySegment probs;
        MemorySegment logits;
        MemorySegment targets;
        MemorySegment mask;
        int v;

        Forward(Arena arena, int threads) {
            this.rows = new float[threads][0];
            this.lanes = AttentionSoftmax.scratch(arena, threads);
        }

        @Override
        public void run(int worker, int begin, int end) {
            float[] x = rows[worker];
            long rowBytes = (long) v * Float.BYTES;
            int vp = (v + L - 1) / L * L;
            for (int i = begin; i < end; i++) {
                long row = i * rowBytes;
                FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                int j = 0;
                for (; j <= v - L; j += L) {
                    FloatVector xj = FloatVector.fromMemorySegment(S, logits, row + (long) j * Float.BYTES, NATIVE);
                    xj.intoArray(x, j);
                    vmax = vmax.max(xj);
                }
                float max = vmax.reduceLanes(VectorOperators.MAX);
                for (; j < v; j++) {
                    x[j] = logits.get(F32, row + (long) j * Float.BYTES);
                    max = Math.max(max, x[j]);
                }
                Arrays.fill(x, v, vp, Float.NEGATIVE_INFINITY);
                // subtract the row max so exp never overflows
                float sum = AttentionSoftmax.expSum(x, 0, vp, max, lanes, worker * AttentionSoftmax.SCRATCH_BYTES);
                float inv = 1 / sum;
                FloatVector vinv = FloatVector.broadcast(S, inv);
                for (j = 0; j <= v - L; j += L) {
                    FloatVector.fromArray(S, x, j).mul(vinv).intoMemorySegment(probs, row + (long) j * Float.BYTES,
                            NATIVE);
                }
                for (; j < v; j++) {
                    probs.set(F32, row + (long) j * Float.BYTES, x[j] * inv);
                }
                // log-sum-exp form, not log(probs[target]): right even where that probability rounds to 0;
                // (max - target) first, exact for close values, so a confident row keeps its small loss
                float target = logits.get(F32, row + (long) targets.getAtIndex(I32, i) * Float.BYTES);
                float loss = (max - target) + (float) Math.log(sum);
                losses.setAtIndex(F32, i, mask == null ? loss : loss * mask.getAtIndex(F32, i));
            }
        }
    }

    /** Rows [begin, end). */
    private static final class Backward implements ThreadPool.Body {
        MemorySegment dlogits;
        MemorySegment dlosses;
        MemorySegment probs;
        MemorySegment targets;
        MemorySegment mask;
        int v;

        @Override
        public void run(int worker, int begin, int end) {
            long rowBytes = (long) v * Float.BYTES;
            int tail = v - v % L;
            for (int i = begin; i < end; i++) {
                float scale = dlosses.getAtIndex(F32, i) * (mask == null ? 1 : mask.getAtIndex(F32, i));
                if (scale == 0) {
                    continue; // a masked row adds nothing
                }
                long row = i * rowBytes;
                for (int j = 0; j < tail; j += L) {
                    long at = row + (long) j * Float.BYTES;
                    FloatVector.fromMemorySegment(S, probs, at, NATIVE)
                            .fma(FloatVector.broadcast(S, scale), FloatVector.fromMemorySegment(S, dlogits, at, NATIVE))
                            .intoMemorySegment(dlogits, at, NATIVE);
                }
                for (int j = tail; j < v; j++) {
                    long at = row + (long) j * Float.BYTES;
                    dlogits.set(F32, at, Math.fma(probs.get(F32, at), scale, dlogits.get(F32, at)));
                }
                long at = row + (long) targets.getAtIndex(I32, i) * Float.BYTES;
                dlogits.set(F32, at, dlogits.get(F32, at) - scale);
            }
        }
    }
}
