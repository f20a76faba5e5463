package dev.ida4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A horizontal sum of the lanes of a vector in a fixed order. {@code reduceLanes(ADD)} may add the lanes in any
 * order, and did give different float results in interpreted and compiled code: a gradient norm that changes when the
 * JIT warms up would break bit-identical resume. This pairwise tree (lane i + lane i^half, halving each time) is the
 * same in every mode and costs log2(lanes) shuffles and adds.
 */
final class Lanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorShuffle<Float>[] SWAPS = swaps();

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

    /** Σ lanes of {@code v}, always added in the same order. */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> swap : SWAPS) {
            v = v.add(v.rearrange(swap));
        }
        return v.lane(0);
    }
}
