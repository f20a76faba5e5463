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

/** Contract of LayerNorm and BatchNorm on every backend, and fast-vs-reference parity on odd shapes. */
class NormsContractTest {

    /** The backends under test (a subclass for another device shadows this and {@code fastBackends}). */
    static Stream<Named<Backend>> backends() {
        return TestBackends.all();
    }

    /** The backends compared with the reference. */
    static Stream<Named<Backend>> fastBackends() {
        return TestBackends.fast();
    }
    /** (N, C) pairs: C = 1, 7, 33, 256, 1000, with enough rows that the fast backends split them over threads. */
    private static final int[][] SHAPES = {{40_001, 1}, {5_003, 7}, {1_001, 33}, {257, 256}, {65, 1000}, {2, 17}};

    private static Tensor f32(TensorArena arena, String name, int... shape) {
        return arena.allocate(name, DType.F32, shape);
    }

    private static void assertValues(String what, Tensor t, double[] expected, double tol) {
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) t.get(i)).as("%s[%s]", what, i).isCloseTo(expected[i], within(tol));
        }
    }

    // ---- LayerNorm ----

    @ParameterizedTest
    @MethodSource("backends")
    void layerNormOfOneToFour(Backend backend) {
        try (TensorArena arena = backend.arena("ln")) {
            Tensor inp = f32(arena, "inp", 1, 4).copyFrom(new float[] {1, 2, 3, 4});
            Tensor weight = f32(arena, "weight", 4).copyFrom(new float[] {1, 2, 0.5f, -1});
            Tensor bias = f32(arena, "bias", 4).copyFrom(new float[] {0, 0.5f, 1, 0});
            Tensor out = f32(arena, "out", 1, 4);
            Tensor mean = f32(arena, "mean", 1);
            Tensor rstd = f32(arena, "rstd", 1);
            backend.layerNormForward(out, mean, rstd, inp, weight, bias, 1, 4);
            // mean 2.5, biased variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25
            double s = 1 / Math.sqrt(1.25 + 1e-5);
            assertValues("mean", mean, new double[] {2.5}, 1e-6);
            assertValues("rstd", rstd, new double[] {s}, 1e-6);
            assertValues("out", out, new double[] {-1.5 * s, -0.5 * s * 2 + 0.5, 0.5 * s * 0.5 + 1, -1.5 * s}, 1e-6);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void layerNormGradientMatchesFiniteDifferences(Backend backend) {
        try (TensorArena arena = backend.arena("ln")) {
            int n = 4;
            int c = 7;
            SplittableRandom r = new SplittableRandom(1);
            Tensor inp = Rand.normal(f32(arena, "inp", n, c), r, 1);
            Tensor weight = Rand.uniform(f32(arena, "weight", c), r, 0.5, 1.5);
            Tensor bias = Rand.uniform(f32(arena, "bias", c), r, -1, 1);
            Tensor out = f32(arena, "out", n, c);
            Tensor mean = f32(arena, "mean", n);
            Tensor rstd = f32(arena, "rstd", n);
            Tensor dout = f32(arena, "dout", n, c);
            Tensor dinp = f32(arena, "dinp", n, c);
            Tensor dweight = f32(arena, "dweight", c);
            Tensor dbias = f32(arena, "dbias", c);
            GradCheck.of("layerNorm",
                            () -> backend.layerNormForward(out, mean, rstd, inp, weight, bias, n, c),
                            () -> backend.layerNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c))
                    .inputs(List.of(inp, weight, bias), List.of(dinp, dweight, dbias))
                    .outputs(List.of(out), List.of(dout))
                    .eps(1e-2).tolerance(3e-4, 3e-3)
                    .run();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void layerNormBackwardSkipsNullGradients(Backend backend) {
        try (TensorArena arena = backend.arena("ln")) {
            int n = 3;
            int c = 19;
            SplittableRandom r = new SplittableRandom(2);
            Tensor inp = Rand.normal(f32(arena, "inp", n, c), r, 1);
            Tensor weight = Rand.normal(f32(arena, "weight", c), r, 1);
            Tensor bias = Rand.normal(f32(arena, "bias", c), r, 1);
            Tensor dout = Rand.normal(f32(arena, "dout", n, c), r, 1);
            Tensor out = f32(arena, "out", n, c);
            Tensor mean = f32(arena, "mean", n);
            Tensor rstd = f32(arena, "rstd", n);
            backend.layerNormForward(out, mean, rstd, inp, weight, bias, n, c);
            Tensor dinp = f32(arena, "dinp", n, c);
            Tensor dweight = f32(arena, "dweight", c);
            Tensor dbias = f32(arena, "dbias", c);
            backend.layerNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
            Tensor dinpOnly = f32(arena, "dinpOnly", n, c);
            backend.layerNormBackward(dinpOnly, null, null, dout, inp, weight, mean, rstd, n, c);
            Tensor dbiasOnly = f32(arena, "dbiasOnly", c);
            backend.layerNormBackward(null, null, dbiasOnly, dout, inp, weight, mean, rstd, n, c);
            Tensor dweightOnly = f32(arena, "dweightOnly", c);
            backend.layerNormBackward(null, dweightOnly, null, dout, inp, weight, mean, rstd, n, c);
            assertThat(dinpOnly.toFloatArray()).containsExactly(dinp.toFloatArray());
            assertThat(dweightOnly.toFloatArray()).containsExactly(dweight.toFloatArray());
            assertThat(dbiasOnly.toFloatArray()).containsExactly(dbias.toFloatArray());
            assertThat(Rand.maxAbsDiff(dbias, f32(arena, "zeros", c))).isPositive();
        }
    }

    // ---- BatchNorm ----

    @ParameterizedTest
    @MethodSource("backends")
    void batchNormTrainingUsesBatchStatisticsAndUpdatesRunningOnes(Backend backend) {
        try (TensorArena arena = backend.arena("bn")) {
            Tensor inp = f32(arena, "inp", 4, 2).copyFrom(new float[] {1, 10, 2, 20, 3, 30, 4, 40});
            Tensor weight = f32(arena, "weight", 2).copyFrom(new float[] {2, 1});
            Tensor bias = f32(arena, "bias", 2).copyFrom(new float[] {0, -1});
            Tensor runningMean = f32(arena, "runningMean", 2).copyFrom(new float[] {0, 1});
            Tensor runningVar = f32(arena, "runningVar", 2).copyFrom(new float[] {1, 2});
            Tensor out = f32(arena, "out", 4, 2);
            Tensor mean = f32(arena, "mean", 2);
            Tensor rstd = f32(arena, "rstd", 2);
            backend.batchNormForward(out, mean, rstd, runningMean, runningVar, inp, weight, bias, 0.1f, 1e-5f, true,
                    4, 2);
            // channel 0: mean 2.5, biased variance 1.25, unbiased 5/3; channel 1: ten times, variances 100 times
            double s0 = 1 / Math.sqrt(1.25 + 1e-5);
            double s1 = 1 / Math.sqrt(125 + 1e-5);
            assertValues("mean", mean, new double[] {2.5, 25}, 1e-5);
            assertValues("rstd", rstd, new double[] {s0, s1}, 1e-6);
            assertValues("runningMean", runningMean, new double[] {0.9 * 0 + 0.1 * 2.5, 0.9 * 1 + 0.1 * 25}, 1e-6);
            assertValues("runningVar", runningVar, new double[] {0.9 * 1 + 0.1 * 5.0 / 3, 0.9 * 2 + 0.1 * 500.0 / 3},
                    1e-5);
            double[] expected = new double[8];
            for (int r = 0; r < 4; r++) {
                expected[2 * r] = (r + 1 - 2.5) * s0 * 2;
                expected[2 * r + 1] = (10 * (r + 1) - 25) * s1 - 1;
            }
            assertValues("out", out, expected, 1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void batchNormInferenceUsesRunningStatistics(Backend backend) {
        try (TensorArena arena = backend.arena("bn")) {
            Tensor inp = f32(arena, "inp", 3, 2).copyFrom(new float[] {1, 10, 2, 20, 3, 30});
            Tensor weight = f32(arena, "weight", 2).copyFrom(new float[] {2, 1});
            Tensor bias = f32(arena, "bias", 2).copyFrom(new float[] {0, -1});
            Tensor runningMean = f32(arena, "runningMean", 2).copyFrom(new float[] {0.5f, 12});
            Tensor runningVar = f32(arena, "runningVar", 2).copyFrom(new float[] {4, 25});
            Tensor out = f32(arena, "out", 3, 2);
            Tensor mean = f32(arena, "mean", 2);
            Tensor rstd = f32(arena, "rstd", 2);
            backend.batchNormForward(out, mean, rstd, runningMean, runningVar, inp, weight, bias, 0.1f, 1e-3f, false,
                    3, 2);
            double s0 = 1 / Math.sqrt(4 + 1e-3);
            double s1 = 1 / Math.sqrt(25 + 1e-3);
            assertValues("mean", mean, new double[] {0.5, 12}, 0);
            assertValues("rstd", rstd, new double[] {s0, s1}, 1e-7);
            assertValues("runningMean", runningMean, new double[] {0.5, 12}, 0);
            assertValues("runningVar", runningVar, new double[] {4, 25}, 0);
            assertValues("out", out, new double[] {
                    (1 - 0.5) * s0 * 2, (10 - 12) * s1 - 1,
                    (2 - 0.5) * s0 * 2, (20 - 12) * s1 - 1,
                    (3 - 0.5) * s0 * 2, (30 - 12) * s1 - 1}, 1e-6);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void batchNormGradientMatchesFiniteDifferences(Backend backend) {
        try (TensorArena arena = backend.arena("bn")) {
            int n = 6;
            int c = 3;
            SplittableRandom r = new SplittableRandom(3);
            Tensor inp = Rand.normal(f32(arena, "inp", n, c), r, 1);
            Tensor weight = Rand.uniform(f32(arena, "weight", c), r, 0.5, 1.5);
            Tensor bias = Rand.uniform(f32(arena, "bias", c), r, -1, 1);
            Tensor runningMean = f32(arena, "runningMean", c);
            Tensor runningVar = f32(arena, "runningVar", c);
            Tensor out = f32(arena, "out", n, c);
            Tensor mean = f32(arena, "mean", c);
            Tensor rstd = f32(arena, "rstd", c);
            Tensor dout = f32(arena, "dout", n, c);
            Tensor dinp = f32(arena, "dinp", n, c);
            Tensor dweight = f32(arena, "dweight", c);
            Tensor dbias = f32(arena, "dbias", c);
            GradCheck.of("batchNorm",
                            () -> backend.batchNormForward(out, mean, rstd, runningMean, runningVar, inp, weight, bias,
                                    0.1f, 1e-5f, true, n, c),
                            () -> backend.batchNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c))
                    .inputs(List.of(inp, weight, bias), List.of(dinp, dweight, dbias))
                    .outputs(List.of(out), List.of(dout))
                    .eps(1e-2).tolerance(3e-4, 3e-3)
                    .run();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void batchNormBackwardSkipsNullGradients(Backend backend) {
        try (TensorArena arena = backend.arena("bn")) {
            int n = 5;
            int c = 18;
            SplittableRandom r = new SplittableRandom(4);
            Tensor inp = Rand.normal(f32(arena, "inp", n, c), r, 1);
            Tensor weight = Rand.normal(f32(arena, "weight", c), r, 1);
            Tensor bias = Rand.normal(f32(arena, "bias", c), r, 1);
            Tensor dout = Rand.normal(f32(arena, "dout", n, c), r, 1);
            Tensor out = f32(arena, "out", n, c);
            Tensor mean = f32(arena, "mean", c);
            Tensor rstd = f32(arena, "rstd", c);
            backend.batchNormForward(out, mean, rstd, f32(arena, "rm", c), f32(arena, "rv", c), inp, weight, bias,
                    0.1f, 1e-5f, true, n, c);
            Tensor dinp = f32(arena, "dinp", n, c);
            Tensor dweight = f32(arena, "dweight", c);
            Tensor dbias = f32(arena, "dbias", c);
            backend.batchNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
            Tensor dinpOnly = f32(arena, "dinpOnly", n, c);
            backend.batchNormBackward(dinpOnly, null, null, dout, inp, weight, mean, rstd, n, c);
            Tensor dweightOnly = f32(arena, "dweightOnly", c);
            backend.batchNormBackward(null, dweightOnly, null, dout, inp, weight, mean, rstd, n, c);
            Tensor dbiasOnly = f32(arena, "dbiasOnly", c);
            backend.batchNormBackward(null, null, dbiasOnly, dout, inp, weight, mean, rstd, n, c);
            assertThat(dinpOnly.toFloatArray()).containsExactly(dinp.toFloatArray());
            assertThat(dweightOnly.toFloatArray()).containsExactly(dweight.toFloatArray());
            assertThat(dbiasOnly.toFloatArray()).containsExactly(dbias.toFloatArray());
            assertThat(Rand.maxAbsDiff(dinp, f32(arena, "zeros", n, c))).isPositive();
        }
    }

    // ---- fast vs reference on odd shapes ----

    @ParameterizedTest
    @MethodSource("fastBackends")
    void layerNormFastMatchesReference(Backend fast) {
        Backend ref = TestBackends.reference();
        try (TensorArena arena = fast.arena("parity")) {
            for (int[] shape : SHAPES) {
                int n = shape[0];
                int c = shape[1];
                String at = " at (N, C) = (" + n + ", " + c + ")";
                SplittableRandom r = new SplittableRandom(n * 31L + c);
                // an offset mean, as real activations have, so the variance must be taken about the mean
                Tensor inp = Rand.normal(f32(arena, "inp", n, c), r, 2);
                for (long i = 0; i < inp.numel(); i++) {
                    inp.set(i, inp.get(i) + 3);
                }
                Tensor weight = Rand.normal(f32(arena, "weight", c), r, 1);
                Tensor bias = Rand.normal(f32(arena, "bias", c), r, 1);
                Tensor dout = Rand.normal(f32(arena, "dout", n, c), r, 1);
                Tensor[] outs = new Tensor[2];
                Tensor[] grads = new Tensor[6];
                Tensor[] stats = new Tensor[4];
                Backend[] backends = {fast, ref};
                for (int k = 0; k < 2; k++) {
                    outs[k] = f32(arena, "out" + k, n, c);
                    stats[2 * k] = f32(arena, "mean" + k, n);
                    stats[2 * k + 1] = f32(arena, "rstd" + k, n);
                    grads[3 * k] = f32(arena, "dinp" + k, n, c).copyFrom(dout.toFloatArray());
                    grads[3 * k + 1] = f32(arena, "dweight" + k, c).copyFrom(weight.toFloatArray());
                    grads[3 * k + 2] = f32(arena, "dbias" + k, c).copyFrom(bias.toFloatArray());
                    backends[k].layerNormForward(outs[k], stats[2 * k], stats[2 * k + 1], inp, weight, bias, n, c);
                    backends[k].layerNormBackward(grads[3 * k], grads[3 * k + 1], grads[3 * k + 2], dout, inp, weight,
                            stats[2 * k], stats[2 * k + 1], n, c);
                }
                Rand.assertClose("out" + at, outs[0], outs[1], 2e-5, 1e-5);
                Rand.assertClose("mean" + at, stats[0], stats[2], 1e-5, 1e-6);
                Rand.assertClose("rstd" + at, stats[1], stats[3], 0, 1e-5);
                Rand.assertClose("dinp" + at, grads[0], grads[3], 1e-4, 1e-4);
                double scale = Math.sqrt(n);
                Rand.assertClose("dweight" + at, grads[1], grads[4], 1e-4 * scale, 1e-4);
                Rand.assertClose("dbias" + at, grads[2], grads[5], 1e-4 * scale, 1e-4);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("fastBackends")
    void batchNormFastMatchesReference(Backend fast) {
        Backend ref = TestBackends.reference();
        try (TensorArena arena = fast.arena("parity")) {
            for (int[] shape : SHAPES) {
                int n = shape[0];
                int c = shape[1];
                String at = " at (N, C) = (" + n + ", " + c + ")";
                SplittableRandom r = new SplittableRandom(n * 17L + c);
                Tensor inp = Rand.normal(f32(arena, "inp", n, c), r, 2);
                for (long i = 0; i < inp.numel(); i++) {
                    inp.set(i, inp.get(i) - 5);
                }
                Tensor weight = Rand.normal(f32(arena, "weight", c), r, 1);
                Tensor bias = Rand.normal(f32(arena, "bias", c), r, 1);
                Tensor dout = Rand.normal(f32(arena, "dout", n, c), r, 1);
                Tensor running0 = Rand.uniform(f32(arena, "running0", c), r, 0.5, 1.5);
                Backend[] backends = {fast, ref};
                Tensor[][] t = new Tensor[2][];
                for (int k = 0; k < 2; k++) {
                    Tensor out = f32(arena, "out" + k, n, c);
                    Tensor mean = f32(arena, "mean" + k, c);
                    Tensor rstd = f32(arena, "rstd" + k, c);
                    Tensor rm = f32(arena, "rm" + k, c).copyFrom(running0.toFloatArray());
                    Tensor rv = f32(arena, "rv" + k, c).copyFrom(running0.toFloatArray());
                    Tensor dinp = f32(arena, "dinp" + k, n, c).copyFrom(dout.toFloatArray());
                    Tensor dweight = f32(arena, "dweight" + k, c).copyFrom(weight.toFloatArray());
                    Tensor dbias = f32(arena, "dbias" + k, c).copyFrom(bias.toFloatArray());
                    Tensor outEval = f32(arena, "outEval" + k, n, c);
                    Tensor meanEval = f32(arena, "meanEval" + k, c);
                    Tensor rstdEval = f32(arena, "rstdEval" + k, c);
                    backends[k].batchNormForward(out, mean, rstd, rm, rv, inp, weight, bias, 0.1f, 1e-5f, true, n, c);
                    backends[k].batchNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
                    backends[k].batchNormForward(outEval, meanEval, rstdEval, rm, rv, inp, weight, bias, 0.1f, 1e-5f,
                            false, n, c);
                    t[k] = new Tensor[] {out, mean, rstd, rm, rv, dinp, dweight, dbias, outEval, meanEval, rstdEval};
                }
                String[] names = {"out", "mean", "rstd", "runningMean", "runningVar", "dinp", "dweight", "dbias",
                        "eval out", "eval mean", "eval rstd"};
                double scale = Math.sqrt(n);
                double[] atol = {2e-5, 1e-5, 0, 1e-6, 1e-6, 1e-4, 1e-4 * scale, 1e-4 * scale, 2e-5, 1e-6, 0};
                for (int i = 0; i < names.length; i++) {
                    Rand.assertClose(names[i] + at, t[0][i], t[1][i], atol[i], 1e-5);
                }
            }
        }
    }
}
