package dev.ida4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums across the lanes of vectors, always in the same order, and the two-source butterfly permutations they and the
 * GEMM's 16x16 transpose are built from.
 *
 * <p>{@code reduceLanes(ADD)} may add the lanes in any order, and did give different float results in interpreted
 * and compiled code: a gradient norm that changes when the JIT warms up would break bit-identical resume. The sums
 * here are fixed pairwise trees, the same in every mode.
 */
final class Lanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorShuffle<Float>[] SWAPS = swaps();
    /** Whether the 16-lane butterflies apply (512-bit vectors); they are null otherwise. */
    static final boolean T16 = S.length() == 16;
    // Butterfly index vectors of stage b for selectFrom(x, y): indices < 16 pick lane l of x, 16 + l lane l of y.
    static final FloatVector LO8 = butterfly(8, false);
    static final FloatVector HI8 = butterfly(8, true);
    static final FloatVector LO4 = butterfly(4, false);
    static final FloatVector HI4 = butterfly(4, true);
    static final FloatVector LO2 = butterfly(2, false);
    static final FloatVector HI2 = butterfly(2, true);
    static final FloatVector LO1 = butterfly(1, false);
    static final FloatVector HI1 = butterfly(1, true);

    private Lanes() {
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] swaps() {
        int levels = Integer.numberOfTrailingZeros(S.length());
        VectorShuffle<Float>[] s = new VectorShuffle[levels];
        for (int level = 0; level < levels; level++) {
            int half = S.length() >> (level + 1);
            s[level] = VectorShuffle.fromOp(S, i -> i ^ half);
        }
        return s;
    }

    /**
     * Index vector of one butterfly stage of width b over a pair (x, y): the first result keeps x's lanes l with
     * (l & b) == 0 and takes y[l - b] elsewhere; the second takes x[l + b], keeping y's other lanes.
     */
    private static FloatVector butterfly(int b, boolean second) {
        if (!T16) {
            return null;
        }
        float[] idx = new float[16];
        for (int l = 0; l < 16; l++) {
            boolean low = (l & b) == 0;
            idx[l] = second ? (low ? l + b : 16 + l) : (low ? l : 16 + l - b);
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /** Σ lanes of {@code v}, always added in the same order (lane i + lane i^half, halving each time). */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> swap : SWAPS) {
            v = v.add(v.rearrange(swap));
        }
        return v.lane(0);
    }

    /**
     * dst[to + i] = Σ lanes of the vector at src[at + 16·i], for i < 16 (16 lanes only): 15 butterfly merges of two
     * vectors into one, each adding every lane to its partner b lanes away, instead of 16 separate reductions. The
     * additions are those of {@link #sum}, so each result is bit for bit the same; the merge tree pairs its inputs in
     * bit-reversed order, which puts the sums in order. Written out without helper methods: C2 declined to inline
     * them at this call frequency, and a vector passed to or returned from a call that is not inlined is boxed.
     */
    static void sums16(float[] src, int at, float[] dst, int to) {
        FloatVector v0 = FloatVector.fromArray(S, src, at);
        FloatVector v1 = FloatVector.fromArray(S, src, at + 16);
        FloatVector v2 = FloatVector.fromArray(S, src, at + 32);
        FloatVector v3 = FloatVector.fromArray(S, src, at + 48);
        FloatVector v4 = FloatVector.fromArray(S, src, at + 64);
        FloatVector v5 = FloatVector.fromArray(S, src, at + 80);
        FloatVector v6 = FloatVector.fromArray(S, src, at + 96);
        FloatVector v7 = FloatVector.fromArray(S, src, at + 112);
        FloatVector v8 = FloatVector.fromArray(S, src, at + 128);
        FloatVector v9 = FloatVector.fromArray(S, src, at + 144);
        FloatVector v10 = FloatVector.fromArray(S, src, at + 160);
        FloatVector v11 = FloatVector.fromArray(S, src, at + 176);
        FloatVector v12 = FloatVector.fromArray(S, src, at + 192);
        FloatVector v13 = FloatVector.fromArray(S, src, at + 208);
        FloatVector v14 = FloatVector.fromArray(S, src, at + 224);
        FloatVector v15 = FloatVector.fromArray(S, src, at + 240);
        // merge(x, y) at width b: lo.selectFrom(x, y) + hi.selectFrom(x, y)
        FloatVector m0 = LO8.selectFrom(v0, v8).add(HI8.selectFrom(v0, v8));
        FloatVector m1 = LO8.selectFrom(v4, v12).add(HI8.selectFrom(v4, v12));
        FloatVector m2 = LO8.selectFrom(v2, v10).add(HI8.selectFrom(v2, v10));
        FloatVector m3 = LO8.selectFrom(v6, v14).add(HI8.selectFrom(v6, v14));
        FloatVector m4 = LO8.selectFrom(v1, v9).add(HI8.selectFrom(v1, v9));
        FloatVector m5 = LO8.selectFrom(v5, v13).add(HI8.selectFrom(v5, v13));
        FloatVector m6 = LO8.selectFrom(v3, v11).add(HI8.selectFrom(v3, v11));
        FloatVector m7 = LO8.selectFrom(v7, v15).add(HI8.selectFrom(v7, v15));
        FloatVector n0 = LO4.selectFrom(m0, m1).add(HI4.selectFrom(m0, m1));
        FloatVector n1 = LO4.selectFrom(m2, m3).add(HI4.selectFrom(m2, m3));
        FloatVector n2 = LO4.selectFrom(m4, m5).add(HI4.selectFrom(m4, m5));
        FloatVector n3 = LO4.selectFrom(m6, m7).add(HI4.selectFrom(m6, m7));
        FloatVector o0 = LO2.selectFrom(n0, n1).add(HI2.selectFrom(n0, n1));
        FloatVector o1 = LO2.selectFrom(n2, n3).add(HI2.selectFrom(n2, n3));
        LO1.selectFrom(o0, o1).add(HI1.selectFrom(o0, o1)).intoArray(dst, to);
    }
}
