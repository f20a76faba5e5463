package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** Lane sums: sixteen at once must give, bit for bit, what sixteen single sums give. */
class LanesTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void shouldSumSixteenVectorsInOrderExactlyAsOneAtATime() {
        assumeTrue(Lanes.T16, "the 16-vector sum needs 512-bit vectors; this CPU has " + S.length() + " lanes");
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            float[] src = new float[3 + 16 * 16];
            for (int i = 0; i < src.length; i++) {
                // mixed magnitudes, so a different order of additions would round differently
                src[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
            }
            float[] expected = new float[16];
            for (int i = 0; i < 16; i++) {
                expected[i] = Lanes.sum(FloatVector.fromArray(S, src, 3 + 16 * i));
            }
            float[] got = new float[21];
            Lanes.sums16(src, 3, got, 5);
            assertThat(Arrays.copyOfRange(got, 5, 21)).as("trial %d", trial).containsExactly(expected);
            assertThat(Arrays.copyOfRange(got, 0, 5)).as("nothing written before the sums").containsOnly(0f);
        }
    }
}
