package dev.ida4j.backend.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.GradCheck;
import dev.ida4j.backend.Rand;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Fused softmax + cross-entropy: hand-checked values, gradients, bad targets, and parity with the reference. */
class CrossEntropyContractTest {

    /** The backends under test (a subclass for another device shadows this and {@code fastBackends}). */
    static Stream<Named<Backend>> backends() {
        return TestBackends.all();
    }

    /** The backends compared with the reference. */
    static Stream<Named<Backend>> fastBackends() {
        return TestBackends.fast();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldGiveSoftmaxProbabilitiesAndMaskedLosses(Backend backend) {
        try (TensorArena arena = backend.arena("ce")) {
            double z = 1 + Math.exp(-0.5);
            Tensor logits = arena.allocate("logits", DType.F32, 4, 4).copyFrom(new float[] {
                    0, 0, 0, 0,
                    (float) Math.log(1), (float) Math.log(2), (float) Math.log(3), (float) Math.log(4),
                    1000, 0, 999.5f, -1000,  // huge logits: the max is subtracted first
                    3, 3, 3, 3});
            Tensor targets = arena.allocate("targets", DType.I32, 4).copyFrom(new int[] {2, 3, 1, 0});
            Tensor mask = arena.allocate("mask", DType.F32, 4).copyFrom(new float[] {1, 0.5f, 1, 0});
            Tensor probs = arena.allocate("probs", DType.F32, 4, 4);
            Tensor losses = arena.allocate("losses", DType.F32, 4);
            backend.crossEntropyForward(losses, probs, logits, targets, null, 4, 4);
            assertThat(probs.toFloatArray()).containsExactly(new float[] {
                    0.25f, 0.25f, 0.25f, 0.25f,
                    0.1f, 0.2f, 0.3f, 0.4f,
                    (float) (1 / z), 0, (float) (Math.exp(-0.5) / z), 0,
                    0.25f, 0.25f, 0.25f, 0.25f}, within(1e-6f));
            // row 2's target probability is about exp(-1000), 0 in float; its loss is still 1000 + log(1 + exp(-0.5))
            assertThat(losses.toFloatArray()).containsExactly(new float[] {
                    (float) Math.log(4), (float) -Math.log(0.4), (float) (1000 + Math.log(z)), (float) Math.log(4)},
                    within(1e-5f));
            backend.crossEntropyForward(losses, probs, logits, targets, mask, 4, 4);
            assertThat(losses.toFloatArray()).containsExactly(new float[] {
                    (float) Math.log(4), (float) (-0.5 * Math.log(0.4)), (float) (1000 + Math.log(z)), 0},
                    within(1e-5f));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldAddScaledProbabilitiesMinusTheTarget(Backend backend) {
        try (TensorArena arena = backend.arena("ce")) {
            Tensor probs = arena.allocate("probs", DType.F32, 3, 2).copyFrom(new float[] {0.25f, 0.75f, 0.5f, 0.5f,
                    0.125f, 0.875f});
            Tensor targets = arena.allocate("targets", DType.I32, 3).copyFrom(new int[] {1, 0, 0});
            Tensor dlosses = arena.allocate("dlosses", DType.F32, 3).copyFrom(new float[] {2, 1, 4});
            Tensor mask = arena.allocate("mask", DType.F32, 3).copyFrom(new float[] {1, 0, 0.5f});
            Tensor dlogits = arena.allocate("dlogits", DType.F32, 3, 2).copyFrom(new float[] {1, 1, 1, 1, 1, 1});
            backend.crossEntropyBackward(dlogits, dlosses, probs, targets, null, 3, 2);
            assertThat(dlogits.toFloatArray()).containsExactly(1.5f, 0.5f, 0.5f, 1.5f, -2.5f, 4.5f);
            backend.crossEntropyBackward(dlogits, dlosses, probs, targets, mask, 3, 2);
            assertThat(dlogits.toFloatArray()).containsExactly(2f, 0f, 0.5f, 1.5f, -4.25f, 6.25f);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldNameTheOpTheRowAndTheTargetOutsideTheVocabulary(Backend backend) {
        try (TensorArena arena = backend.arena("ce")) {
            Tensor logits = arena.allocate("logits", DType.F32, 3, 5);
            Tensor probs = arena.allocate("probs", DType.F32, 3, 5);
            Tensor losses = arena.allocate("losses", DType.F32, 3);
            Tensor dlosses = arena.allocate("dlosses", DType.F32, 3).copyFrom(new float[] {1, 1, 1});
            Tensor dlogits = arena.allocate("dlogits", DType.F32, 3, 5);
            // the bad target is on a masked row: still an error
            Tensor mask = arena.allocate("mask", DType.F32, 3).copyFrom(new float[] {1, 1, 0});
            Tensor targets = arena.allocate("targets", DType.I32, 3).copyFrom(new int[] {4, 0, 5});
            assertThatThrownBy(() -> backend.crossEntropyForward(losses, probs, logits, targets, mask, 3, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("crossEntropyForward").hasMessageContaining("targets[2]")
                    .hasMessageContaining("= 5");
            targets.setInt(2, 0);
            targets.setInt(1, -3);
            assertThatThrownBy(() -> backend.crossEntropyBackward(dlogits, dlosses, probs, targets, null, 3, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("crossEntropyBackward").hasMessageContaining("targets[1]")
                    .hasMessageContaining("= -3");
            assertThat(dlogits.toFloatArray()).as("nothing accumulated before the check").containsOnly(0f);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldPassTheGradientCheckWithAndWithoutAMask(Backend backend) {
        int n = 5;
        int v = 19;
        try (TensorArena arena = backend.arena("ce")) {
            SplittableRandom r = new SplittableRandom(11);
            Tensor logits = Rand.uniform(arena.allocate("logits", DType.F32, n, v), r, -2, 2);
            Tensor targets = Rand.ints(arena.allocate("targets", DType.I32, n), r, v);
            Tensor mask = arena.allocate("mask", DType.F32, n).copyFrom(new float[] {1, 0, 0.5f, 1, 2});
            Tensor probs = arena.allocate("probs", DType.F32, n, v);
            Tensor losses = arena.allocate("losses", DType.F32, n);
            Tensor dlosses = arena.allocate("dlosses", DType.F32, n);
            Tensor dlogits = arena.allocate("dlogits", DType.F32, n, v);
            for (Tensor m : new Tensor[] {null, mask}) {
                GradCheck.of("crossEntropy" + (m == null ? "" : " with mask"),
                                () -> backend.crossEntropyForward(losses, probs, logits, targets, m, n, v),
                                () -> backend.crossEntropyBackward(dlogits, dlosses, probs, targets, m, n, v))
                        .inputs(List.of(logits), List.of(dlogits))
                        .outputs(List.of(losses), List.of(dlosses))
                        .eps(1e-2)
                        .tolerance(1e-4, 1e-3)
                        .samples(n * v)
                        .run();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("fastBackends")
    void shouldMatchTheReferenceOnOddShapes(Backend backend) {
        int[][] shapes = {{1, 1}, {1, 2}, {7, 15}, {3, 17}, {13, 97}, {64, 1000}, {5, 4099}};
        for (int[] s : shapes) {
            int n = s[0];
            int v = s[1];
            try (Backend ref = TestBackends.reference(); TensorArena arena = backend.arena("ce")) {
                SplittableRandom r = new SplittableRandom(n * 31 + v);
                Tensor logits = Rand.normal(arena.allocate("logits", DType.F32, n, v), r, 4);
                Tensor targets = Rand.ints(arena.allocate("targets", DType.I32, n), r, v);
                Tensor mask = Rand.ints(arena.allocate("maskBits", DType.I32, n), r, 2);
                Tensor maskF = arena.allocate("mask", DType.F32, n);
                for (int i = 0; i < n; i++) {
                    maskF.set(i, mask.getInt(i));
                }
                Tensor probs = arena.allocate("probs", DType.F32, n, v);
                Tensor losses = arena.allocate("losses", DType.F32, n);
                Tensor probsRef = arena.allocate("probsRef", DType.F32, n, v);
                Tensor lossesRef = arena.allocate("lossesRef", DType.F32, n);
                backend.crossEntropyForward(losses, probs, logits, targets, maskF, n, v);
                ref.crossEntropyForward(lossesRef, probsRef, logits, targets, maskF, n, v);
                String shape = "(N, V) = (" + n + ", " + v + ")";
                Rand.assertClose("probs " + shape, probs, probsRef, 1e-7, 1e-5);
                Rand.assertClose("losses " + shape, losses, lossesRef, 1e-5, 1e-5);
                Tensor dlosses = Rand.uniform(arena.allocate("dlosses", DType.F32, n), r, -1, 1);
                Tensor dlogits = Rand.normal(arena.allocate("dlogits", DType.F32, n, v), r, 1);
                Tensor dlogitsRef = arena.allocate("dlogitsRef", DType.F32, n, v).copyFrom(dlogits.toFloatArray());
                backend.crossEntropyBackward(dlogits, dlosses, probsRef, targets, maskF, n, v);
                ref.crossEntropyBackward(dlogitsRef, dlosses, probsRef, targets, maskF, n, v);
                Rand.assertClose("dlogits " + shape, dlogits, dlogitsRef, 1e-6, 1e-5);
            }
        }
    }
}
