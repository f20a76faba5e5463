package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The vector e^t behind the fast GELU, against Math.exp over the whole clamped range. */
class PointwiseExpTest {
    private static final MemorySegment SCRATCH = Arena.ofAuto().allocate(Pointwise.S.vectorByteSize());

    @Test
    void expIsWithinThreeTenthsOfAMillionthRelative() {
        int lanes = Pointwise.S.length();
        float[] t = new float[lanes];
        float[] e = new float[lanes];
        double worst = 0;
        float worstAt = 0;
        int points = 1 << 18;
        for (int i = 0; i < points; i += lanes) {
            for (int j = 0; j < lanes; j++) {
                t[j] = -87f + 174f * (i + j) / points;
            }
            Pointwise.exp(FloatVector.fromArray(Pointwise.S, t, 0), SCRATCH, 0).intoArray(e, 0);
            for (int j = 0; j < lanes; j++) {
                double rel = Math.abs(e[j] / Math.exp(t[j]) - 1);
                if (rel > worst) {
                    worst = rel;
                    worstAt = t[j];
                }
            }
        }
        assertThat(worst).as("worst relative error, at t = %s", worstAt).isLessThan(3e-7);
    }

    @Test
    void expOfMultiplesOfLn2IsAPowerOfTwo() {
        float[] t = new float[Pointwise.S.length()];
        float[] e = new float[t.length];
        t[0] = (float) (10 * Math.log(2));
        t[1] = (float) (-10 * Math.log(2));
        Pointwise.exp(FloatVector.fromArray(Pointwise.S, t, 0), SCRATCH, 0).intoArray(e, 0);
        assertThat((double) e[0]).isCloseTo(1024, within(1024 * 3e-7));
        assertThat((double) e[1]).isCloseTo(1 / 1024.0, within(3e-7 / 1024));
        assertThat((double) e[2]).as("e^0").isCloseTo(1, within(2e-7));
    }
}
