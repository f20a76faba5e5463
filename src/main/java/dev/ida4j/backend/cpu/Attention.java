package dev.ida4j.backend.cpu;

import static dev.ida4j.backend.cpu.AttentionScratch.L;
import static dev.ida4j.backend.cpu.AttentionScratch.S;
import static dev.ida4j.backend.cpu.AttentionScratch.roundUp;

import dev.ida4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Multi-head attention (causal self-attention, masked cross-attention), forward and backward. The unit of work is
 * one (batch, head) pair: threads take whole units, copy the head's strided slices into contiguous
 * {@link AttentionScratch} buffers, and form every product with the {@link AttentionTile} kernel, four query (or
 * key) rows at a time. Queries only reach the keys they can see: the causal limit in forward, the last non-zero
 * probability in backward. Units write disjoint slices of every output, so results do not depend on the thread
 * count.
 */
final class Attention {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Multiply-adds a thread should get at least before waking another is worth it. */
    private static final int MIN_WORK = 1 << 16;

    private final ThreadPool pool;
    private final AttentionScratch[] scratch;
    private final Forward forward = new Forward();
    private final Backward backward = new Backward();

    /** {@code gemm} is not used: these products are small, per thread, and handled by {@link AttentionTile}. */
    Attention(ThreadPool pool, Arena arena) {
        this.pool = pool;
        this.scratch = new AttentionScratch[pool.threads()];
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = new AttentionScratch(arena);
        }
    }

    // q(B,Tq,C), k(B,Tk,C), v(B,Tk,C), keyMask(B,Tk) or null -> att(B,NH,Tq,Tk), out(B,Tq,C)
    void forward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask,
                 int b, int tq, int tk, int nh, int hs, boolean causal) {
        Forward f = forward;
        f.out = out.segment();
        f.att = att.segment();
        f.q = q.segment();
        f.k = k.segment();
        f.v = v.segment();
        f.keyMask = keyMask == null ? null : keyMask.segment();
        f.tq = tq;
        f.tk = tk;
        f.nh = nh;
        f.hs = hs;
        f.causal = causal;
        for (AttentionScratch s : scratch) {
            s.ensure(tq, tk, hs, false);
        }
        pool.forRange(b * nh, grain(tq, tk, hs), f);
    }

    // datt = dout·vᵀ; dscores = att ⊙ (datt - Σ_j att·datt);
    // dq += dscores·k/√HS; dk += dscoresᵀ·q/√HS; dv += attᵀ·dout
    void backward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v, Tensor att,
                  int b, int tq, int tk, int nh, int hs) {
        if (dq == null && dk == null && dv == null) {
            return;
        }
        Backward g = backward;
        g.dq = dq == null ? null : dq.segment();
        g.dk = dk == null ? null : dk.segment();
        g.dv = dv == null ? null : dv.segment();
        g.dout = dout.segment();
        g.q = q.segment();
        g.k = k.segment();
        g.v = v.segment();
        g.att = att.segment();
        g.tq = tq;
        g.tk = tk;
        g.nh = nh;
        g.hs = hs;
        for (AttentionScratch s : scratch) {
            s.ensure(tq, tk, hs, true);
        }
        pool.forRange(b * nh, grain(tq, tk, hs), g);
    }

    private static int grain(int tq, int tk, int hs) {
        return (int) Math.max(1, MIN_WORK / ((long) tq * tk * hs));
    }

    /**
     * r(TQR, TKP) = x(Tq, HSP)·y(Tk, HSP)ᵀ, where row i is only needed for keys [0, seen[i]). The kernel wants
     * the right operand transposed: that is Tk·HS moves for yᵀ, then each tile of four rows runs as far as the
     * furthest seen[i] in it. With few rows (Tq·(HS + Tk) < Tk·HS) it is cheaper to transpose x instead, form
     * rᵀ = y·xᵀ and transpose that small (Tk, Tq) result back, zeros past Tk.
     */
    private static void timesTransposed(AttentionScratch s, float[] x, int tq, float[] y, int tk, int hs, float[] r) {
        int hsp = roundUp(hs);
        int tkp = roundUp(tk);
        if ((long) tq * (hs + tk) < (long) tk * hs) {
            int tqp = roundUp(tq);
            AttentionScratch.transpose(x, tq, hs, s.qt);
            for (int j = 0; j < tk; j += 4) {
                AttentionTile.rows4(y, j * hsp, hsp, 1, s.qt, tqp, 0, hs, s.st, j * tqp, tqp, tqp);
            }
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    r[i * tkp + j] = s.st[j * tqp + i];
                }
                Arrays.fill(r, i * tkp + tk, (i + 1) * tkp, 0f);
            }
        } else {
            AttentionScratch.transpose(y, tk, hs, s.kt);
            for (int i = 0; i < tq; i += 4) {
                int n = roundUp(tileSeen(s.seen, i, tq));
                if (n > 0) {
                    AttentionTile.rows4(x, i * hsp, hsp, 1, s.kt, tkp, 0, hs, r, i * tkp, tkp, n);
                }
            }
        }
    }

    /**
     * p[j] = q·k_j for the key rows j < n, k_j at byte {@code at + j·stride} (one head's HS floats), and zeros up to
     * the next multiple of L. Each key's products are first left as a vector of partial sums in {@code parts} (L
     * floats a key, for keys up to TKP); then 16 keys at a time are summed across lanes together by
     * {@link Lanes#sums16} (without 16 lanes, one key at a time by {@link Lanes#sum}: the same additions).
     */
    private static void scores(float[] q, MemorySegment k, long at, long stride, int hs, float[] parts, float[] p,
                               int n) {
        // one vector of the head at a time over all the keys: no vector is carried from one step of a loop to the
        // next (C2 compiled that form, a short loop per key, about twice as slow)
        int d = 0;
        for (; d <= hs - L; d += L) {
            FloatVector qd = FloatVector.fromArray(S, q, d);
            long a = at + (long) d * Float.BYTES;
            for (int j = 0; j < n; j++, a += stride) {
                FloatVector kd = FloatVector.fromMemorySegment(S, k, a, NATIVE);
                (d == 0 ? kd.mul(qd) : kd.fma(qd, FloatVector.fromArray(S, parts, j * L))).intoArray(parts, j * L);
            }
        }
        if (d < hs) {
            // the head's last, partial vector: k masked past HS (q is zero-padded)
            VectorMask<Float> m = S.indexInRange(d, hs);
            FloatVector qd = FloatVector.fromArray(S, q, d);
            long a = at + (long) d * Float.BYTES;
            for (int j = 0; j < n; j++, a += stride) {
                FloatVector kd = FloatVector.fromMemorySegment(S, k, a, NATIVE, m);
                (d == 0 ? kd.mul(qd) : kd.fma(qd, FloatVector.fromArray(S, parts, j * L))).intoArray(parts, j * L);
            }
        }
        int np = roundUp(n);
        Arrays.fill(parts, n * L, np * L, 0f);
        if (Lanes.T16) {
            for (int j = 0; j < np; j += 16) {
                Lanes.sums16(parts, j * L, p, j);
            }
        } else {
            for (int j = 0; j < np; j++) {
                p[j] = Lanes.sum(FloatVector.fromArray(S, parts, j * L));
            }
        }
    }

    /**
     * o[0, HSP) = Σ_{j < n, p[j] ≠ 0} p[j]·v_j, v_j at byte {@code at + j·stride}: two vectors of the head at a
     * time, each summed in a register over all the keys (a zero weight skips its row, whatever it holds).
     */
    private static void weightedSum(float[] o, float[] p, MemorySegment v, long at, long stride, int hs, int n) {
        int d = 0;
        for (; d <= hs - 2 * L; d += 2 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            long r = at + (long) d * Float.BYTES;
            for (int j = 0; j < n; j++, r += stride) {
                float w = p[j];
                if (w != 0) {
                    FloatVector vw = FloatVector.broadcast(S, w);
                    a0 = FloatVector.fromMemorySegment(S, v, r, NATIVE).fma(vw, a0);
                    a1 = FloatVector.fromMemorySegment(S, v, r + (long) L * Float.BYTES, NATIVE).fma(vw, a1);
                }
            }
            a0.intoArray(o, d);
            a1.intoArray(o, d + L);
        }
        for (; d < hs; d += L) {
            // the last one or two vectors, masked past HS (zeros there, as o's padding must be)
            VectorMask<Float> m = S.indexInRange(d, hs);
            FloatVector a = FloatVector.zero(S);
            long r = at + (long) d * Float.BYTES;
            for (int j = 0; j < n; j++, r += stride) {
                float w = p[j];
                if (w != 0) {
                    a = FloatVector.fromMemorySegment(S, v, r, NATIVE, m).fma(FloatVector.broadcast(S, w), a);
                }
            }
            a.intoArray(o, d);
        }
    }

    /** The largest seen[i] over the tile of four rows starting at i0 (rows past tq do not count). */
    private static int tileSeen(int[] seen, int i0, int tq) {
        int max = 0;
        for (int i = i0; i < Math.min(i0 + 4, tq); i++) {
            max = Math.max(max, seen[i]);
        }
        return max;
    }

    /** (batch, head) units [begin, end). */
    private final class Forward implements ThreadPool.Body {
        MemorySegment out;
        MemorySegment att;
        MemorySegment q;
        MemorySegment k;
        MemorySegment v;
        MemorySegment keyMask;
        int tq;
        int tk;
        int nh;
        int hs;
        boolean causal;

        @Override
        public void run(int worker, int begin, int end) {
            AttentionScratch s = scratch[worker];
            for (int unit = begin; unit < end; unit++) {
                head(s, unit / nh, unit % nh);
            }
        }

        /** Keys [0, visible(i)) are the ones query i may see before the mask (all, or up to the causal limit). */
        private int visible(int i) {
            return causal ? Math.clamp(i + (tk - tq) + 1, 0, tk) : tk;
        }

        private void head(AttentionScratch s, int bi, int h) {
            if (tq == 1) {
                decode(s, bi, h);
                return;
            }
            int c = nh * hs;
            int hsp = roundUp(hs);
            int tkp = roundUp(tk);
            long stride = (long) c * Float.BYTES;
            long qAt = ((long) bi * tq * c + (long) h * hs) * Float.BYTES;
            long kAt = ((long) bi * tk * c + (long) h * hs) * Float.BYTES;
            AttentionScratch.loadRows(q, qAt, stride, tq, hs, s.q);
            AttentionScratch.loadRows(k, kAt, stride, tk, hs, s.k);
            AttentionScratch.loadRows(v, kAt, stride, tk, hs, s.v);
            for (int j = 0; j < tk; j++) {
                s.keyBias[j] = keyMask == null || keyMask.getAtIndex(F32, (long) bi * tk + j) != 0
                        ? 0 : Float.NEGATIVE_INFINITY;
            }
            for (int i = 0; i < tq; i++) {
                s.seen[i] = visible(i);
            }
            timesTransposed(s, s.q, tq, s.k, tk, hs, s.p); // scores = q·kᵀ
            long attAt = ((long) bi * nh + h) * tq * tk * Float.BYTES;
            float scale = (float) (1 / Math.sqrt(hs));
            for (int i = 0; i < tq; i++) {
                s.seen[i] = softmax(s, i * tkp, visible(i), scale);
                AttentionScratch.storeRow(s.p, i * tkp, att, attAt + (long) i * tk * Float.BYTES, tk, false);
            }
            // out = att·v, each tile of queries over the keys any of them sees
            for (int i = 0; i < tq; i += 4) {
                AttentionTile.rows4(s.p, i * tkp, tkp, 1, s.v, hsp, 0, tileSeen(s.seen, i, tq), s.out, i * hsp,
                        hsp, hsp);
            }
            AttentionScratch.storeRows(s.out, out, qAt, stride, tq, hs, false);
        }

        /**
         * One query (a step of incremental decoding): scores and output read the key and value rows where they
         * are, and keys the mask drops (in a decoding cache, every slot after the current one) are skipped, not
         * copied and multiplied by zero: those after the last kept key are not scored, the others get no weight.
         */
        private void decode(AttentionScratch s, int bi, int h) {
            int c = nh * hs;
            long stride = (long) c * Float.BYTES;
            long qAt = ((long) bi * c + (long) h * hs) * Float.BYTES;
            long kAt = ((long) bi * tk * c + (long) h * hs) * Float.BYTES;
            AttentionScratch.loadRow(q, qAt, hs, s.q, 0);
            float[] p = s.p;
            int jEnd = visible(0);
            // keys after the last kept one (the cache's future slots) are not even scored
            while (keyMask != null && jEnd > 0 && keyMask.getAtIndex(F32, (long) bi * tk + jEnd - 1) == 0) {
                jEnd--;
            }
            scores(s.q, k, kAt, stride, hs, s.parts, p, jEnd);
            for (int j = 0; j < jEnd; j++) {
                boolean kept = keyMask == null || keyMask.getAtIndex(F32, (long) bi * tk + j) != 0;
                s.keyBias[j] = kept ? 0 : Float.NEGATIVE_INFINITY;
                if (!kept) {
                    p[j] = 0f;
                }
            }
            int seen = softmax(s, 0, jEnd, (float) (1 / Math.sqrt(hs)));
            long attAt = ((long) bi * nh + h) * tk * Float.BYTES;
            AttentionScratch.storeRow(p, 0, att, attAt, tk, false);
            float[] o = s.out;
            weightedSum(o, p, v, kAt, stride, hs, seen);
            AttentionScratch.storeRow(o, 0, out, qAt, hs, false);
        }

        /**
         * Turns the raw scores p[row, 0..jEnd) into probabilities over the kept keys, with zeros up to Tk; returns
         * how many keys the probabilities may be non-zero for (0 when the query sees no key).
         */
        private int softmax(AttentionScratch s, int row, int jEnd, float scale) {
            float[] p = s.p;
            int jv = roundUp(jEnd);
            // the lanes past the last visible key (causal limit, padding) must not count in max or sum
            Arrays.fill(p, row + jEnd, row + jv, Float.NEGATIVE_INFINITY);
            FloatVector vscale = FloatVector.broadcast(S, scale);
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < jv; j += L) {
                FloatVector bias = FloatVector.fromArray(S, s.keyBias, j);
                FloatVector x = FloatVector.fromArray(S, p, row + j).fma(vscale, bias);
                x.intoArray(p, row + j);
                vmax = vmax.max(x);
            }
            float max = vmax.reduceLanes(VectorOperators.MAX);
            if (max == Float.NEGATIVE_INFINITY) {
                // sees no key: zero probabilities (and so a zero output), never 0/0
                Arrays.fill(p, row, row + tk, 0f);
                return 0;
            }
            // subtract the row max so exp never overflows; dropped keys are exp(-inf) = 0
            FloatVector inv = FloatVector.broadcast(S, 1 / AttentionSoftmax.expSum(p, row, jv, max, s.lanes, 0));
            for (int j = 0; j < jv; j += L) {
                FloatVector.fromArray(S, p, row + j).mul(inv).intoArray(p, row + j);
            }
            if (jv < tk) {
                Arrays.fill(p, row + jv, row + tk, 0f);
            }
            return jEnd;
        }
    }

    /** (batch, head) units [begin, end). */
    private final class Backward implements ThreadPool.Body {
        MemorySegment dq;
        MemorySegment dk;
        MemorySegment dv;
        MemorySegment dout;
        MemorySegment q;
        MemorySegment k;
        MemorySegment v;
        MemorySegment att;
        int tq;
        int tk;
        int nh;
        int hs;

        @Override
        public void run(int worker, int begin, int end) {
            AttentionScratch s = scratch[worker];
            for (int unit = begin; unit < end; unit++) {
                head(s, unit / nh, unit % nh);
            }
        }

        private void head(AttentionScratch s, int bi, int h) {
            int c = nh * hs;
            int hsp = roundUp(hs);
            int tkp = roundUp(tk);
            long stride = (long) c * Float.BYTES;
            long qAt = ((long) bi * tq * c + (long) h * hs) * Float.BYTES;
            long kAt = ((long) bi * tk * c + (long) h * hs) * Float.BYTES;
            AttentionScratch.loadRows(q, qAt, stride, tq, hs, s.q);
            AttentionScratch.loadRows(dout, qAt, stride, tq, hs, s.dout);
            AttentionScratch.loadRows(k, kAt, stride, tk, hs, s.k);
            AttentionScratch.loadRows(v, kAt, stride, tk, hs, s.v);
            long attAt = ((long) bi * nh + h) * tq * tk * Float.BYTES;
            for (int i = 0; i < tq; i++) {
                AttentionScratch.loadRow(att, attAt + (long) i * tk * Float.BYTES, tk, s.p, i * tkp);
                // keys past the last non-zero probability add nothing (causal limit, padding, no key at all)
                int seen = tk;
                while (seen > 0 && s.p[i * tkp + seen - 1] == 0) {
                    seen--;
                }
                s.seen[i] = seen;
            }
            timesTransposed(s, s.dout, tq, s.v, tk, hs, s.ds); // datt = dout·vᵀ
            float scale = (float) (1 / Math.sqrt(hs));
            for (int i = 0; i < tq; i += 4) {
                int n = roundUp(tileSeen(s.seen, i, tq));
                for (int r = i; r < Math.min(i + 4, tq); r++) {
                    softmaxBackward(s, r * tkp, n, tkp, scale);
                }
            }
            if (dq != null) {
                // dq = dscores·k, each tile of queries over the keys any of them saw
                for (int i = 0; i < tq; i += 4) {
                    AttentionTile.rows4(s.ds, i * tkp, tkp, 1, s.k, hsp, 0, tileSeen(s.seen, i, tq), s.out,
                            i * hsp, hsp, hsp);
                }
                AttentionScratch.storeRows(s.out, dq, qAt, stride, tq, hs, true);
            }
            if (dk != null) {
                keyProducts(s, s.ds, s.q, hsp, tkp);
                AttentionScratch.storeRows(s.out, dk, kAt, stride, tk, hs, true);
            }
            if (dv != null) {
                keyProducts(s, s.p, s.dout, hsp, tkp);
                AttentionScratch.storeRows(s.out, dv, kAt, stride, tk, hs, true);
            }
        }

        /**
         * ds[row, 0..n) = p ⊙ (datt - Σ p·datt) / √HS in place, zeros to TKP. Past the row's last seen key p is 0
         * and datt finite (the transposed operand is zero-padded), so those lanes come out 0.
         */
        private static void softmaxBackward(AttentionScratch s, int row, int n, int tkp, float scale) {
            float[] p = s.p;
            float[] ds = s.ds;
            FloatVector vdot = FloatVector.zero(S);
            for (int j = 0; j < n; j += L) {
                vdot = FloatVector.fromArray(S, p, row + j).fma(FloatVector.fromArray(S, ds, row + j), vdot);
            }
            vdot.intoMemorySegment(s.lanes, 0, NATIVE);
            FloatVector dot = FloatVector.broadcast(S, AttentionSoftmax.sumLanes(s.lanes, 0));
            FloatVector vscale = FloatVector.broadcast(S, scale);
            for (int j = 0; j < n; j += L) {
                FloatVector pj = FloatVector.fromArray(S, p, row + j).mul(vscale);
                FloatVector.fromArray(S, ds, row + j).sub(dot).mul(pj).intoArray(ds, row + j);
            }
            Arrays.fill(ds, row + n, row + tkp, 0f);
        }

        /**
         * out(Tk, HS) = aᵀ·x for a(Tq, TKP) (the score gradient or the probabilities) and x(Tq, HSP) (the queries
         * or the output gradient): each tile of four keys only over the queries that saw one of them.
         */
        private void keyProducts(AttentionScratch s, float[] a, float[] x, int hsp, int tkp) {
            int first = 0;
            for (int j = 0; j < tk; j += 4) {
                while (first < tq && s.seen[first] <= j) {
                    first++;
                }
                AttentionTile.rows4(a, j, 1, tkp, x, hsp, first, tq, s.out, j * hsp, hsp, hsp);
            }
        }
    }
}
