package dev.ida4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two softmax pieces that the Vector API computes differently in the interpreter and in C2-compiled code
 * (lanewise EXP is an SVML call once compiled and Math.exp per lane before; reduceLanes(ADD) adds in a tree once
 * compiled and in order before), rebuilt from exactly rounded operations: an exp for x ≤ 0 and a lane sum in a fixed
 * order. With them {@link Attention} and {@link CrossEntropy} give the same bits on every call, cold or warm, and
 * need no SVML (without it, EXP boxes and allocates on every call).
 */
final class AttentionSoftmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504f;
    // ln 2 split so that n·LN2_HI is exact for the |n| ≤ 127 used here (Cody and Waite)
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    // 1.5·2^23: adding it rounds to an integer, which then sits in the low mantissa bits
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;
    // below about -87.3 exp(x) is under the smallest normal float; -88 gives n = -127, a zero scale
    private static final float FLOOR = -88f;

    private AttentionSoftmax() {
    }

    /**
     * e^x for lanes x ≤ 0, within about 1 ulp of Math.exp; -inf and anything below the smallest normal result give
     * 0. x = n·ln 2 + r with n an integer and |r| ≤ ln 2 / 2, e^r by its Taylor series to r^7 (the remainder is
     * under 0.1 ulp there), and 2^n built directly in the exponent bits.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(FLOOR);
        FloatVector t = xc.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(1 / 5040f, 1 / 720f);
        p = p.fma(r, FloatVector.broadcast(S, 1 / 120f));
        p = p.fma(r, FloatVector.broadcast(S, 1 / 24f));
        p = p.fma(r, FloatVector.broadcast(S, 1 / 6f));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        IntVector bits = t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** The sum of v's lanes, in lane order, through {@code lanes} (at least one vector long). */
    static float sum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float s = 0;
        for (int i = 0; i < S.length(); i++) {
            s += lanes[i];
        }
        return s;
    }
}
