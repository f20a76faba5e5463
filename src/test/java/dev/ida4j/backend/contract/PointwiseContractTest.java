package dev.ida4j.backend.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.Backend;
import dev.ida4j.backend.DropoutRng;
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

/** Contract of fill, GELU/ReLU, residual add and dropout on every backend, and fast-vs-reference parity. */
class PointwiseContractTest {

    /** The backends under test (a subclass for another device shadows this and {@code fastBackends}). */
    static Stream<Named<Backend>> backends() {
        return TestBackends.all();
    }

    /** The backends compared with the reference. */
    static Stream<Named<Backend>> fastBackends() {
        return TestBackends.fast();
    }
    private static final long[] ODD_SIZES = {1, 15, 17, 1_000_003};

    private static Tensor f32(TensorArena arena, String name, long n) {
        return arena.allocate(name, DType.F32, Math.toIntExact(n));
    }

    private static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    // ---- fill ----

    @ParameterizedTest
    @MethodSource("backends")
    void fillSetsEveryElement(Backend backend) {
        try (TensorArena arena = backend.arena("fill")) {
            for (long n : new long[] {1, 17, 100_003}) {
                Tensor t = Rand.uniform(f32(arena, "t", n), new SplittableRandom(n), -1, 1);
                for (float value : new float[] {0f, -2.5f}) {
                    backend.fill(t, value);
                    for (float x : t.toFloatArray()) {
                        assertThat(x).as("fill(%s) of %s elements", value, n).isEqualTo(value);
                    }
                }
            }
        }
    }

    // ---- activations ----

    @ParameterizedTest
    @MethodSource("backends")
    void geluForwardIsTheTanhApproximation(Backend backend) {
        float[] xs = {-6, -3, -1, -0.5f, -1e-3f, 0, 1e-3f, 0.5f, 1, 3, 6};
        try (TensorArena arena = backend.arena("gelu")) {
            Tensor inp = f32(arena, "inp", xs.length).copyFrom(xs);
            Tensor out = f32(arena, "out", xs.length);
            backend.activationForward(out, inp, Activation.GELU, xs.length);
            for (int i = 0; i < xs.length; i++) {
                double expected = gelu(xs[i]);
                assertThat((double) out.get(i)).as("gelu(%s)", xs[i])
                        .isCloseTo(expected, within(1e-7 + 1e-6 * Math.abs(expected)));
            }
            assertThat(out.get(8)).as("gelu(1) as torch's approximate='tanh' prints it").isCloseTo(0.8411920f,
                    within(1e-6f));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void geluSaturatesForLargeInputs(Backend backend) {
        float[] xs = {-1e10f, -50, 50, 1e10f};
        try (TensorArena arena = backend.arena("gelu")) {
            Tensor inp = f32(arena, "inp", xs.length).copyFrom(xs);
            Tensor out = f32(arena, "out", xs.length);
            Tensor dout = f32(arena, "dout", xs.length).copyFrom(new float[] {1, 1, 1, 1});
            Tensor dinp = f32(arena, "dinp", xs.length);
            backend.activationForward(out, inp, Activation.GELU, xs.length);
            backend.activationBackward(dinp, dout, inp, Activation.GELU, xs.length);
            for (int i = 0; i < xs.length; i++) {
                assertThat(out.get(i)).as("gelu(%s)", xs[i]).isCloseTo(xs[i] > 0 ? xs[i] : 0, within(1e-6f));
                assertThat(dinp.get(i)).as("gelu'(%s)", xs[i]).isCloseTo(xs[i] > 0 ? 1 : 0, within(1e-6f));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void reluForwardClampsAtZero(Backend backend) {
        float[] xs = {-2, -0f, 0, 0.5f, 3};
        try (TensorArena arena = backend.arena("relu")) {
            Tensor inp = f32(arena, "inp", xs.length).copyFrom(xs);
            Tensor out = f32(arena, "out", xs.length);
            backend.activationForward(out, inp, Activation.RELU, xs.length);
            assertThat(out.toFloatArray()).containsExactly(0, 0, 0, 0.5f, 3);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void reluGradientIsZeroAtAndBelowZero(Backend backend) {
        try (TensorArena arena = backend.arena("relu")) {
            Tensor inp = f32(arena, "inp", 3).copyFrom(new float[] {-1, 0, 2});
            Tensor dout = f32(arena, "dout", 3).copyFrom(new float[] {5, 7, 11});
            Tensor dinp = f32(arena, "dinp", 3).copyFrom(new float[] {1, 1, 1});
            backend.activationBackward(dinp, dout, inp, Activation.RELU, 3);
            assertThat(dinp.toFloatArray()).containsExactly(1, 1, 12);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void geluGradientMatchesFiniteDifferences(Backend backend) {
        try (TensorArena arena = backend.arena("gelu")) {
            int n = 37;
            Tensor inp = Rand.uniform(f32(arena, "inp", n), new SplittableRandom(1), -4, 4);
            Tensor out = f32(arena, "out", n);
            Tensor dout = f32(arena, "dout", n);
            Tensor dinp = f32(arena, "dinp", n);
            GradCheck.of("gelu",
                            () -> backend.activationForward(out, inp, Activation.GELU, n),
                            () -> backend.activationBackward(dinp, dout, inp, Activation.GELU, n))
                    .inputs(List.of(inp), List.of(dinp))
                    .outputs(List.of(out), List.of(dout))
                    .eps(1e-2).tolerance(1e-4, 1e-3)
                    .run();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void reluGradientMatchesFiniteDifferencesAwayFromZero(Backend backend) {
        try (TensorArena arena = backend.arena("relu")) {
            int n = 37;
            Tensor inp = f32(arena, "inp", n);
            SplittableRandom r = new SplittableRandom(2);
            for (int i = 0; i < n; i++) {
                inp.set(i, (float) ((r.nextBoolean() ? 1 : -1) * (0.1 + 2 * r.nextDouble())));
            }
            Tensor out = f32(arena, "out", n);
            Tensor dout = f32(arena, "dout", n);
            Tensor dinp = f32(arena, "dinp", n);
            GradCheck.of("relu",
                            () -> backend.activationForward(out, inp, Activation.RELU, n),
                            () -> backend.activationBackward(dinp, dout, inp, Activation.RELU, n))
                    .inputs(List.of(inp), List.of(dinp))
                    .outputs(List.of(out), List.of(dout))
                    .eps(1e-2).tolerance(1e-4, 1e-4)
                    .run();
        }
    }

    // ---- residual ----

    @ParameterizedTest
    @MethodSource("backends")
    void residualGradientMatchesFiniteDifferences(Backend backend) {
        try (TensorArena arena = backend.arena("residual")) {
            int n = 33;
            SplittableRandom r = new SplittableRandom(3);
            Tensor a = Rand.uniform(f32(arena, "a", n), r, -1, 1);
            Tensor b = Rand.uniform(f32(arena, "b", n), r, -1, 1);
            Tensor out = f32(arena, "out", n);
            Tensor dout = f32(arena, "dout", n);
            Tensor da = f32(arena, "da", n);
            Tensor db = f32(arena, "db", n);
            GradCheck.of("residual",
                            () -> backend.residualForward(out, a, b, n),
                            () -> backend.residualBackward(da, db, dout, n))
                    .inputs(List.of(a, b), List.of(da, db))
                    .outputs(List.of(out), List.of(dout))
                    .eps(1e-2).tolerance(1e-4, 1e-4)
                    .run();
            for (int i = 0; i < n; i++) {
                assertThat(out.get(i)).isEqualTo(a.get(i) + b.get(i));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void residualBackwardSkipsANullGradient(Backend backend) {
        try (TensorArena arena = backend.arena("residual")) {
            Tensor dout = f32(arena, "dout", 2).copyFrom(new float[] {1, 2});
            Tensor da = f32(arena, "da", 2).copyFrom(new float[] {10, 20});
            Tensor db = f32(arena, "db", 2).copyFrom(new float[] {30, 40});
            backend.residualBackward(da, null, dout, 2);
            backend.residualBackward(null, db, dout, 2);
            assertThat(da.toFloatArray()).containsExactly(11, 22);
            assertThat(db.toFloatArray()).containsExactly(31, 42);
        }
    }

    // ---- dropout ----

    @ParameterizedTest
    @MethodSource("backends")
    void dropoutMaskIsTheSharedFunctionOfSeedAndIndex(Backend backend) {
        int n = 100_000;
        long seed = 1234;
        try (TensorArena arena = backend.arena("dropout")) {
            Tensor inp = Rand.uniform(f32(arena, "inp", n), new SplittableRandom(4), -1, 1);
            Tensor out = f32(arena, "out", n);
            Tensor mask = f32(arena, "mask", n);
            for (float p : new float[] {0.1f, 0.5f}) {
                backend.dropoutForward(out, mask, inp, p, seed, n);
                float keep = 1f / (1f - p);
                int zeros = 0;
                for (int i = 0; i < n; i++) {
                    float m = mask.get(i);
                    assertThat(m).as("mask[%s], p %s", i, p).isIn(0f, keep).isEqualTo(DropoutRng.mask(seed, i, p));
                    assertThat(out.get(i)).as("out[%s]", i).isEqualTo(inp.get(i) * m);
                    zeros += m == 0 ? 1 : 0;
                }
                // the zero count is Binomial(n, p): 5 standard deviations either side
                double sd = Math.sqrt(n * p * (1 - p));
                assertThat((double) zeros).as("zeros at p %s", p).isCloseTo(n * (double) p, within(5 * sd));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void dropoutSeedsGiveDifferentMasksAndPZeroKeepsAll(Backend backend) {
        int n = 1000;
        try (TensorArena arena = backend.arena("dropout")) {
            Tensor inp = Rand.uniform(f32(arena, "inp", n), new SplittableRandom(5), -1, 1);
            Tensor out = f32(arena, "out", n);
            Tensor mask1 = f32(arena, "mask1", n);
            Tensor mask2 = f32(arena, "mask2", n);
            backend.dropoutForward(out, mask1, inp, 0.5f, 1, n);
            backend.dropoutForward(out, mask2, inp, 0.5f, 2, n);
            int differ = 0;
            for (int i = 0; i < n; i++) {
                differ += mask1.get(i) != mask2.get(i) ? 1 : 0;
            }
            assertThat(differ).as("elements whose mask differs between seeds 1 and 2").isBetween(400, 600);
            backend.dropoutForward(out, mask1, inp, 0f, 1, n);
            for (int i = 0; i < n; i++) {
                assertThat(mask1.get(i)).isEqualTo(1f);
                assertThat(out.get(i)).isEqualTo(inp.get(i));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void dropoutGradientMatchesFiniteDifferences(Backend backend) {
        try (TensorArena arena = backend.arena("dropout")) {
            int n = 41;
            Tensor inp = Rand.uniform(f32(arena, "inp", n), new SplittableRandom(6), -1, 1);
            Tensor out = f32(arena, "out", n);
            Tensor mask = f32(arena, "mask", n);
            Tensor dout = f32(arena, "dout", n);
            Tensor dinp = f32(arena, "dinp", n);
            GradCheck.of("dropout",
                            () -> backend.dropoutForward(out, mask, inp, 0.3f, 99, n),
                            () -> backend.dropoutBackward(dinp, dout, mask, n))
                    .inputs(List.of(inp), List.of(dinp))
                    .outputs(List.of(out), List.of(dout))
                    .eps(1e-2).tolerance(1e-4, 1e-4)
                    .run();
        }
    }

    // ---- fast vs reference on odd sizes ----

    @ParameterizedTest
    @MethodSource("fastBackends")
    void fastMatchesReferenceOnOddSizes(Backend fast) {
        Backend ref = TestBackends.reference();
        try (TensorArena arena = fast.arena("parity")) {
            for (long n : ODD_SIZES) {
                SplittableRandom r = new SplittableRandom(n);
                Tensor a = Rand.normal(f32(arena, "a", n), r, 3);
                Tensor b = Rand.normal(f32(arena, "b", n), r, 1);
                Tensor g = Rand.normal(f32(arena, "g", n), r, 1);
                Tensor acc = Rand.normal(f32(arena, "acc", n), r, 1);
                Tensor outFast = f32(arena, "outFast", n);
                Tensor outRef = f32(arena, "outRef", n);
                Tensor maskFast = f32(arena, "maskFast", n);
                Tensor maskRef = f32(arena, "maskRef", n);
                for (Activation act : Activation.values()) {
                    fast.activationForward(outFast, a, act, n);
                    ref.activationForward(outRef, a, act, n);
                    Rand.assertClose(act + " forward, n " + n, outFast, outRef, 1e-7, 1e-6);
                    copy(outFast, acc);
                    copy(outRef, acc);
                    fast.activationBackward(outFast, g, a, act, n);
                    ref.activationBackward(outRef, g, a, act, n);
                    Rand.assertClose(act + " backward, n " + n, outFast, outRef, 1e-6, 1e-5);
                }
                fast.residualForward(outFast, a, b, n);
                ref.residualForward(outRef, a, b, n);
                Rand.assertClose("residual forward, n " + n, outFast, outRef, 0, 0);
                copy(outFast, acc);
                copy(outRef, acc);
                fast.residualBackward(outFast, null, g, n);
                ref.residualBackward(outRef, null, g, n);
                Rand.assertClose("residual backward, n " + n, outFast, outRef, 0, 0);
                fast.dropoutForward(outFast, maskFast, a, 0.2f, n, n);
                ref.dropoutForward(outRef, maskRef, a, 0.2f, n, n);
                Rand.assertClose("dropout mask, n " + n, maskFast, maskRef, 0, 0);
                Rand.assertClose("dropout forward, n " + n, outFast, outRef, 0, 0);
                copy(outFast, acc);
                copy(outRef, acc);
                fast.dropoutBackward(outFast, g, maskFast, n);
                ref.dropoutBackward(outRef, g, maskRef, n);
                Rand.assertClose("dropout backward, n " + n, outFast, outRef, 1e-6, 1e-6);
            }
        }
    }

    private static void copy(Tensor dst, Tensor src) {
        dst.copyFrom(src.toFloatArray());
    }
}
