package dev.ida4j.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The softmax steps that the Vector API computes differently in the interpreter and in C2-compiled code (lanewise
 * EXP is an SVML call once compiled and Math.exp per lane before; reduceLanes(ADD) adds in a tree once compiled and
 * in order before), rebuilt from exactly rounded operations. With them {@link Attention} and {@link CrossEntropy}
 * give the same bits on every call, cold or warm, and need no SVML (without it, EXP boxes on every call).
 *
 * <p>Vectors never cross a method boundary here: a vector argument or result of a call that C2 does not inline is
 * boxed on the heap, and C2 refuses to inline a method it has already compiled on its own into a large body. Nor
 * are vectors reinterpreted: before C2 compiles the caller, {@code reinterpretAsFloats()} runs through a heap
 * MemorySegment, and that second segment class in the shared type profile of {@code fromMemorySegment} slows every
 * kernel compiled later. Integer bits become floats through {@link #scratch}, one vector of native memory per thread.
 */
final class AttentionSoftmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Bytes of one thread's scratch: a vector, on cache lines of its own. */
    static final long SCRATCH_BYTES = Math.max(64, S.vectorByteSize());
    private static final float LOG2E = 1.44269504f;
    // ln 2 split so that n·LN2_HI is exact for the |n| ≤ 127 used here (Cody and Waite)
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    // 1.5·2^23: adding it rounds to an integer (then subtracted back out exactly)
    private static final float ROUND = 12582912f;
    // below about -87.3 e^x is under the smallest normal float; -88 gives n = -127, a zero scale
    private static final float FLOOR = -88f;

    private AttentionSoftmax() {
    }

    /** Native scratch for {@code threads} threads, thread w at w·SCRATCH_BYTES, from the backend's arena. */
    static MemorySegment scratch(Arena arena, int threads) {
        return arena.allocate(threads * SCRATCH_BYTES, SCRATCH_BYTES);
    }

    /**
     * x[from + i] = e^(x[from + i] - max) for i in [0, n), n a whole number of vectors and every x ≤ max; returns
     * the sum of the results, added in a fixed order through the thread's {@code scratch} at {@code at}. Within
     * about 1 ulp of Math.exp; -inf and results under the smallest normal float give 0. Each x - max = k·ln 2 + r
     * with k an integer and |r| ≤ ln 2 / 2; e^r is its Taylor series to r^7 (the remainder is under 0.1 ulp there)
     * and 2^k is built in the exponent bits.
     */
    static float expSum(float[] x, int from, int n, float max, MemorySegment scratch, long at) {
        FloatVector sum = FloatVector.zero(S);
        for (int j = from; j < from + n; j += L) {
            FloatVector d = FloatVector.fromArray(S, x, j).sub(max).max(FLOOR);
            FloatVector k = d.fma(LOG2E, ROUND).sub(ROUND);
            FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), d);
            r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(1 / 5040f, 1 / 720f);
            p = p.fma(r, FloatVector.broadcast(S, 1 / 120f));
            p = p.fma(r, FloatVector.broadcast(S, 1 / 24f));
            p = p.fma(r, FloatVector.broadcast(S, 1 / 6f));
            p = p.fma(r, FloatVector.broadcast(S, 0.5f));
            p = p.fma(r, FloatVector.broadcast(S, 1f));
            p = p.fma(r, FloatVector.broadcast(S, 1f));
            // 2^k: k + 127 in the exponent field (k = -127 gives 0)
            ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23)
                    .intoMemorySegment(scratch, at, NATIVE);
            FloatVector e = p.mul(FloatVector.fromMemorySegment(S, scratch, at, NATIVE));
            e.intoArray(x, j);
            sum = sum.add(e);
        }
        sum.intoMemorySegment(scratch, at, NATIVE);
        return sumLanes(scratch, at);
    }

    /** The lanes of the vector stored in {@code scratch} at {@code at}, added in lane order. */
    static float sumLanes(MemorySegment scratch, long at) {
        float s = 0;
        for (int i = 0; i < L; i++) {
            s += scratch.get(F32, at + (long) i * Float.BYTES);
        }
        return s;
    }
}
