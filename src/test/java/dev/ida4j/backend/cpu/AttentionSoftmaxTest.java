package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The softmax exponentials and lane sum that attention and cross-entropy share. */
class AttentionSoftmaxTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void shouldStayWithinOneUlpOfMathExpOverTheWholeRange() {
        // a geometric sweep of x - max over [-87.3, 0]: dense near 0, where most softmax inputs are
        int count = 0;
        for (double d = 1e-8; d < 87.3; d *= 1.0001) {
            count++;
        }
        float[] x = new float[(count + L - 1) / L * L];
        int i = 0;
        for (double d = 1e-8; d < 87.3; d *= 1.0001) {
            x[i++] = (float) (3 - d);
        }
        float[] before = x.clone();
        AttentionSoftmax.expSum(x, 0, x.length, 3f, AttentionSoftmax.scratch(Arena.ofAuto(), 1), 0);
        double worst = 0;
        for (i = 0; i < count; i++) {
            double e = Math.exp(before[i] - 3f);
            worst = Math.max(worst, Math.abs(x[i] - e) / Math.ulp((float) e));
        }
        assertThat(worst).as("largest error in ulps").isLessThan(1.0);
    }

    @Test
    void shouldGiveExactValuesAtTheEdgesAndTheirSum() {
        float[] x = new float[2 * L];
        x[0] = 5f;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = -200f;
        x[L + 3] = (float) (5 - Math.log(2));
        java.util.Arrays.fill(x, 4, L + 3, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(x, L + 4, 2 * L, Float.NEGATIVE_INFINITY);
        float sum = AttentionSoftmax.expSum(x, 0, 2 * L, 5f, AttentionSoftmax.scratch(Arena.ofAuto(), 1), 0);
        assertThat(x[0]).as("the max").isEqualTo(1f);
        assertThat(x[1]).as("a dropped key").isEqualTo(0f);
        assertThat(x[2]).as("far below the max").isEqualTo(0f);
        assertThat(x[L + 3]).isEqualTo(0.5f);
        assertThat(sum).isEqualTo(1.5f + (float) Math.exp(-5));
    }

    @Test
    void shouldSumTheLanesInOrder() {
        MemorySegment lanes = AttentionSoftmax.scratch(Arena.ofAuto(), 2);
        long at = AttentionSoftmax.SCRATCH_BYTES; // the second thread's vector
        lanes.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at, 1e8f);
        lanes.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 4, -1e8f);
        lanes.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 8, 1f);
        // in lane order the large pair cancels first and the 1 survives; a halving tree (lane i + lane i + L/2, ...)
        // adds the 1 to 1e8 first, where it is lost
        assertThat(AttentionSoftmax.sumLanes(lanes, at)).isEqualTo(1f);
    }
}
