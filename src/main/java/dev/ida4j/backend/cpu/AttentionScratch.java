package dev.ida4j.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One thread's contiguous copies of one (batch, head) slice for {@link Attention}, and the moves between them and
 * the strided (B, T, C) tensors. Row lengths are padded to whole vectors (HSP for HS, TKP for Tk) and row counts
 * to whole tiles of 4 (TQR for Tq, TKR for Tk), so the product kernel never needs a scalar tail; padding holds
 * stale values that only ever reach padding of the results. Arrays grow when a larger shape first arrives.
 */
final class AttentionScratch {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    float[] q = new float[0];       // (TQR, HSP) queries
    float[] dout = new float[0];    // (TQR, HSP) output gradient (backward)
    float[] k = new float[0];       // (TKR, HSP) keys
    float[] v = new float[0];       // (TKR, HSP) values
    float[] kt = new float[0];      // (HS, TKP) keys (forward) or values (backward), transposed
    float[] qt = new float[0];      // (HS, TQP) queries (forward) or output gradient (backward), transposed
    float[] st = new float[0];      // (TKR, TQP) a transposed product, when few queries make that cheaper
    float[] p = new float[0];       // (TQR, TKP) scores, then probabilities
    float[] ds = new float[0];      // (TQR, TKP) probability gradient, then score gradient (backward)
    float[] out = new float[0];     // (max(TQR, TKR), HSP) a product on its way to a tensor
    float[] keyBias = new float[0]; // (TKP) 0 for a kept key, -inf for a dropped one (forward)
    float[] parts = new float[0];   // (TKP, L) one query's partial dot products with each key (forward, Tq = 1)
    int[] seen = new int[0];        // (TQR) keys [0, seen[i]) may have non-zero probability for query i
    final MemorySegment lanes; // (one vector) for AttentionSoftmax

    AttentionScratch(Arena arena) {
        this.lanes = AttentionSoftmax.scratch(arena, 1);
    }

    static int roundUp(int n) {
        return (n + L - 1) / L * L;
    }

    static int tiles(int n) {
        return (n + 3) & ~3;
    }

    void ensure(int tq, int tk, int hs, boolean backward) {
        int hsp = roundUp(hs);
        int tkp = roundUp(tk);
        int tqr = tiles(tq);
        int tkr = tiles(tk);
        q = grow(q, tqr * hsp);
        k = grow(k, tkr * hsp);
        v = grow(v, tkr * hsp);
        kt = grow(kt, hs * tkp);
        qt = grow(qt, hs * roundUp(tq));
        st = grow(st, tkr * roundUp(tq));
        p = grow(p, tqr * tkp);
        out = grow(out, Math.max(tqr, tkr) * hsp);
        if (seen.length < tqr) {
            seen = new int[tqr];
        }
        if (backward) {
            dout = grow(dout, tqr * hsp);
            ds = grow(ds, tqr * tkp);
        } else {
            keyBias = grow(keyBias, tkp);
            if (tq == 1) {
                parts = grow(parts, tkp * L);
            }
        }
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    /** dst[r·HSP + d] = src[at + r·stride + d] for n rows of HS floats. */
    static void loadRows(MemorySegment src, long at, long stride, int n, int hs, float[] dst) {
        int hsp = roundUp(hs);
        for (int r = 0; r < n; r++) {
            // a bulk copy: one bounds check per row, where per-lane vector loads took a slow bounds-check path
            MemorySegment.copy(src, F32, at + r * stride, dst, r * hsp, hs);
        }
    }

    /** dst[d·TKP + j] = rows[j·HSP + d] for j in [0, n); the padding columns [n, TKP) are zeroed. */
    static void transpose(float[] rows, int n, int hs, float[] dst) {
        int hsp = roundUp(hs);
        int tkp = roundUp(n);
        for (int j = 0; j < n; j++) {
            int from = j * hsp;
            for (int d = 0; d < hs; d++) {
                dst[d * tkp + j] = rows[from + d];
            }
        }
        for (int d = 0; d < hs; d++) {
            Arrays.fill(dst, d * tkp + n, (d + 1) * tkp, 0f);
        }
    }

    /** dst[at + r·stride + i] = src[r·HSP + i] (or +=, when {@code add}) for n rows of HS floats. */
    static void storeRows(float[] src, MemorySegment dst, long at, long stride, int n, int hs, boolean add) {
        int hsp = roundUp(hs);
        for (int r = 0; r < n; r++) {
            storeRow(src, r * hsp, dst, at + r * stride, hs, add);
        }
    }

    /** dst[at + i] = src[from + i] (or +=, when {@code add}) for i in [0, n). */
    static void storeRow(float[] src, int from, MemorySegment dst, long at, int n, boolean add) {
        if (!add) {
            MemorySegment.copy(src, from, dst, F32, at, n);
            return;
        }
        int i = 0;
        for (; i <= n - L; i += L) {
            long to = at + (long) i * Float.BYTES;
            FloatVector.fromArray(S, src, from + i).add(FloatVector.fromMemorySegment(S, dst, to, NATIVE))
                    .intoMemorySegment(dst, to, NATIVE);
        }
        for (; i < n; i++) {
            long to = at + (long) i * Float.BYTES;
            dst.set(F32, to, dst.get(F32, to) + src[from + i]);
        }
    }

    /** dst[to + j] = src[at + j] for j in [0, n), then zeros up to the next whole vector. */
    static void loadRow(MemorySegment src, long at, int n, float[] dst, int to) {
        MemorySegment.copy(src, F32, at, dst, to, n);
        Arrays.fill(dst, to + n, to + roundUp(n), 0f);
    }
}
