package dev.ida4j.backend.contract;

import static org.assertj.core.api.Assertions.assertThat;
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

/** The copy/generate mixture: hand-checked values, the floor, gradients, and parity with the reference. */
class MixtureContractTest {

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
    void shouldMixCopyAndGeneratedDistributionsAndFloorZeroProbabilities(Backend backend) {
        int n = 2;
        int k = 2;
        int v = 3;
        try (TensorArena arena = backend.arena("mix")) {
            Tensor dists = arena.allocate("dists", DType.F32, n, k, v).copyFrom(new float[] {
                    1, 0, 0, 0, 0.5f, 0.5f,
                    1, 0, 0, 0, 0, 0}); // row 1's second copy head saw no fact: all zeros
            Tensor genLogits = arena.allocate("genLogits", DType.F32, n, v).copyFrom(new float[] {
                    0, 0, (float) Math.log(2),
                    0, -200, -200}); // exp(-200) is 0 in float
            Tensor mixLogits = arena.allocate("mixLogits", DType.F32, n, k + 1).copyFrom(new float[] {
                    0, 0, (float) Math.log(2),
                    0, -200, -200});
            Tensor logp = arena.allocate("logp", DType.F32, n, v);
            Tensor mix = arena.allocate("mix", DType.F32, n, k + 1);
            Tensor gen = arena.allocate("gen", DType.F32, n, v);
            backend.mixtureForward(logp, mix, gen, dists, genLogits, mixLogits, n, k, v);
            assertThat(gen.toFloatArray()).containsExactly(new float[] {0.25f, 0.25f, 0.5f, 1, 0, 0}, within(1e-6f));
            assertThat(mix.toFloatArray()).containsExactly(new float[] {0.25f, 0.25f, 0.5f, 1, 0, 0}, within(1e-6f));
            // row 0: p = 0.25·(1,0,0) + 0.25·(0,.5,.5) + 0.5·(.25,.25,.5) = (0.375, 0.25, 0.375)
            // row 1: p = (1, 0, 0): the zeros are floored, so the log stays finite
            float floor = (float) Math.log(Backend.MIXTURE_FLOOR);
            assertThat(logp.toFloatArray()).containsExactly(new float[] {
                    (float) Math.log(0.375), (float) Math.log(0.25), (float) Math.log(0.375), 0, floor, floor},
                    within(1e-6f));
            // fed to the cross-entropy as logits, logp gives back p and -log p[target]
            Tensor targets = arena.allocate("targets", DType.I32, n).copyFrom(new int[] {1, 0});
            Tensor probs = arena.allocate("probs", DType.F32, n, v);
            Tensor losses = arena.allocate("losses", DType.F32, n);
            backend.crossEntropyForward(losses, probs, logp, targets, null, n, v);
            assertThat(probs.toFloatArray()).containsExactly(new float[] {0.375f, 0.25f, 0.375f, 1, 0, 0},
                    within(1e-6f));
            assertThat(losses.toFloatArray()).containsExactly(new float[] {(float) -Math.log(0.25), 0}, within(1e-6f));

            // where the floor binds, nothing flows back through that entry
            Tensor dlogp = arena.allocate("dlogp", DType.F32, n, v).copyFrom(new float[] {0, 0, 0, 0, 5, 7});
            Tensor ddists = arena.allocate("ddists", DType.F32, n, k, v);
            Tensor dgen = arena.allocate("dgen", DType.F32, n, v);
            Tensor dmix = arena.allocate("dmix", DType.F32, n, k + 1);
            backend.mixtureBackward(ddists, dgen, dmix, dlogp, dists, gen, mix, n, k, v);
            assertThat(ddists.toFloatArray()).containsOnly(0f);
            assertThat(dgen.toFloatArray()).containsOnly(0f);
            assertThat(dmix.toFloatArray()).containsOnly(0f);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldPassTheGradientCheck(Backend backend) {
        int n = 4;
        int k = 3;
        int v = 7;
        try (TensorArena arena = backend.arena("mix")) {
            SplittableRandom r = new SplittableRandom(17);
            Tensor dists = distributions(arena.allocate("dists", DType.F32, n, k, v), r, v);
            Tensor genLogits = Rand.uniform(arena.allocate("genLogits", DType.F32, n, v), r, -2, 2);
            Tensor mixLogits = Rand.uniform(arena.allocate("mixLogits", DType.F32, n, k + 1), r, -2, 2);
            Tensor logp = arena.allocate("logp", DType.F32, n, v);
            Tensor mix = arena.allocate("mix", DType.F32, n, k + 1);
            Tensor gen = arena.allocate("gen", DType.F32, n, v);
            Tensor dlogp = arena.allocate("dlogp", DType.F32, n, v);
            Tensor ddists = arena.allocate("ddists", DType.F32, n, k, v);
            Tensor dgenLogits = arena.allocate("dgenLogits", DType.F32, n, v);
            Tensor dmixLogits = arena.allocate("dmixLogits", DType.F32, n, k + 1);
            GradCheck.of("mixture",
                            () -> backend.mixtureForward(logp, mix, gen, dists, genLogits, mixLogits, n, k, v),
                            () -> backend.mixtureBackward(ddists, dgenLogits, dmixLogits, dlogp, dists, gen, mix,
                                    n, k, v))
                    .inputs(List.of(dists, genLogits, mixLogits), List.of(ddists, dgenLogits, dmixLogits))
                    .outputs(List.of(logp), List.of(dlogp))
                    .eps(1e-3)
                    .tolerance(2e-3, 1e-2)
                    .samples(n * k * v)
                    .run();
        }
    }

    @ParameterizedTest
    @MethodSource("fastBackends")
    void shouldMatchTheReferenceOnOddShapes(Backend backend) {
        int[][] shapes = {{1, 1, 1}, {3, 4, 11}, {7, 2, 79}, {33, 6, 20}, {257, 4, 11}, {64, 7, 69}};
        for (int[] s : shapes) {
            int n = s[0];
            int k = s[1];
            int v = s[2];
            String shape = "(N, K, V) = (" + n + ", " + k + ", " + v + ")";
            try (Backend ref = TestBackends.reference(); TensorArena arena = backend.arena("mix")) {
                SplittableRandom r = new SplittableRandom(n * 131L + k * 7L + v);
                Tensor dists = distributions(arena.allocate("dists", DType.F32, n, k, v), r, v);
                for (int i = 0; i < n; i += 3) { // every third row: the first copy head saw nothing
                    for (int j = 0; j < v; j++) {
                        dists.set((long) i * k * v + j, 0);
                    }
                }
                Tensor genLogits = Rand.normal(arena.allocate("genLogits", DType.F32, n, v), r, 3);
                Tensor mixLogits = Rand.normal(arena.allocate("mixLogits", DType.F32, n, k + 1), r, 3);
                Tensor logp = arena.allocate("logp", DType.F32, n, v);
                Tensor mix = arena.allocate("mix", DType.F32, n, k + 1);
                Tensor gen = arena.allocate("gen", DType.F32, n, v);
                Tensor logpRef = arena.allocate("logpRef", DType.F32, n, v);
                Tensor mixRef = arena.allocate("mixRef", DType.F32, n, k + 1);
                Tensor genRef = arena.allocate("genRef", DType.F32, n, v);
                backend.mixtureForward(logp, mix, gen, dists, genLogits, mixLogits, n, k, v);
                ref.mixtureForward(logpRef, mixRef, genRef, dists, genLogits, mixLogits, n, k, v);
                Rand.assertClose("gen " + shape, gen, genRef, 1e-7, 1e-5);
                Rand.assertClose("mix " + shape, mix, mixRef, 1e-7, 1e-5);
                Rand.assertClose("logp " + shape, logp, logpRef, 1e-5, 1e-5);

                Tensor dlogp = Rand.uniform(arena.allocate("dlogp", DType.F32, n, v), r, -1, 1);
                Tensor[] grads = new Tensor[6];
                grads[0] = Rand.normal(arena.allocate("ddists", DType.F32, n, k, v), r, 1);
                grads[1] = Rand.normal(arena.allocate("dgenLogits", DType.F32, n, v), r, 1);
                grads[2] = Rand.normal(arena.allocate("dmixLogits", DType.F32, n, k + 1), r, 1);
                for (int g = 0; g < 3; g++) {
                    grads[g + 3] = arena.allocate(grads[g].name() + "Ref", DType.F32, grads[g].shape())
                            .copyFrom(grads[g].toFloatArray());
                }
                backend.mixtureBackward(grads[0], grads[1], grads[2], dlogp, dists, genRef, mixRef, n, k, v);
                ref.mixtureBackward(grads[3], grads[4], grads[5], dlogp, dists, genRef, mixRef, n, k, v);
                for (int g = 0; g < 3; g++) {
                    Rand.assertClose(grads[g].name() + " " + shape, grads[g], grads[g + 3], 1e-4, 1e-4);
                }
                // null gradient outputs are skipped, the others unchanged by their absence
                Tensor dgenOnly = arena.allocate("dgenOnly", DType.F32, n, v).copyFrom(grads[4].toFloatArray());
                backend.mixtureBackward(null, dgenOnly, null, dlogp, dists, genRef, mixRef, n, k, v);
                ref.mixtureBackward(null, grads[4], null, dlogp, dists, genRef, mixRef, n, k, v);
                Rand.assertClose("dgenLogits alone " + shape, dgenOnly, grads[4], 1e-4, 1e-4);
            }
        }
    }

    /** Each (row, head) a probability distribution over V with every entry at least 0.2/V. */
    private static Tensor distributions(Tensor t, SplittableRandom r, int v) {
        Rand.uniform(t, r, 0.2, 1);
        for (long row = 0; row < t.numel(); row += v) {
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += t.get(row + j);
            }
            for (int j = 0; j < v; j++) {
                t.set(row + j, (float) (t.get(row + j) / sum));
            }
        }
        return t;
    }
}
