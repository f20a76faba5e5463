package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** The softmax exp and lane sum that attention and cross-entropy share. */
class AttentionSoftmaxTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void shouldStayWithinOneUlpOfMathExpOverTheWholeRange() {
        float[] x = new float[S.length()];
        float[] y = new float[S.length()];
        double worst = 0;
        int filled = 0;
        // a geometric sweep of [-87.3, 0]: dense near 0, where most softmax inputs are
        for (double d = 1e-8; d < 87.3; d *= 1.0001) {
            x[filled++] = (float) -d;
            if (filled == x.length) {
                AttentionSoftmax.exp(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
                for (int i = 0; i < x.length; i++) {
                    double e = Math.exp(x[i]);
                    worst = Math.max(worst, Math.abs(y[i] - e) / Math.ulp((float) e));
                }
                filled = 0;
            }
        }
        assertThat(worst).as("largest error in ulps").isLessThan(1.0);
    }

    @Test
    void shouldGiveExactValuesAtTheEdges() {
        float[] x = new float[S.length()];
        x[0] = 0f;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = -200f;
        x[3] = (float) -Math.log(2);
        float[] y = new float[S.length()];
        AttentionSoftmax.exp(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
        assertThat(y[0]).isEqualTo(1f);
        assertThat(y[1]).as("a dropped key").isEqualTo(0f);
        assertThat(y[2]).isEqualTo(0f);
        assertThat(y[3]).isEqualTo(0.5f);
    }

    @Test
    void shouldSumTheLanesInOrder() {
        float[] x = new float[S.length()];
        x[0] = 1e8f;
        x[1] = -1e8f;
        x[2] = 1f;
        // in lane order the large pair cancels first and the 1 survives; a halving tree (lane i + lane i + L/2, ...)
        // adds the 1 to 1e8 first, where it is lost
        assertThat(AttentionSoftmax.sum(FloatVector.fromArray(S, x, 0), new float[S.length()])).isEqualTo(1f);
    }
}
