package dev.ida4j.backend.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Rand;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Contract of sum of squares, AdamW and EMA on every backend, and fast-vs-reference parity over several steps. */
class OptimizerContractTest {

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

    @ParameterizedTest
    @MethodSource("backends")
    void sumSquaresMatchesADoubleLoop(Backend backend) {
        try (TensorArena arena = backend.arena("sumSquares")) {
            for (long n : ODD_SIZES) {
                Tensor x = Rand.normal(f32(arena, "x", n), new SplittableRandom(n), 1);
                double expected = 0;
                for (float v : x.toFloatArray()) {
                    expected += (double) v * v;
                }
                double sum = backend.sumSquares(x, n);
                assertThat(sum).as("n %s", n).isCloseTo(expected, within(1e-6 * expected));
                assertThat(backend.sumSquares(x, n)).as("a second call, n %s", n).isEqualTo(sum);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void adamWTwoStepsAsTorchComputesThem(Backend backend) {
        double[] p = {0.5, -1, 2};
        double[] g = {0.1, -0.2, 0.3};
        float lr = 0.01f;
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        float eps = 1e-8f;
        float weightDecay = 0.1f;
        float gradScale = 0.5f;
        try (TensorArena arena = backend.arena("adamW")) {
            Tensor params = f32(arena, "params", 3).copyFrom(floats(p));
            Tensor grads = f32(arena, "grads", 3).copyFrom(floats(g));
            Tensor m = f32(arena, "m", 3);
            Tensor v = f32(arena, "v", 3);
            double[] mh = new double[3];
            double[] vh = new double[3];
            for (int t = 1; t <= 2; t++) {
                backend.adamW(params, grads, m, v, lr, beta1, beta2, eps, weightDecay, gradScale, t, 3);
                // torch.optim.AdamW, step by step in double
                for (int i = 0; i < 3; i++) {
                    double gi = g[i] * gradScale;
                    p[i] *= 1 - (double) lr * weightDecay;
                    mh[i] = beta1 * mh[i] + (1 - (double) beta1) * gi;
                    vh[i] = beta2 * vh[i] + (1 - (double) beta2) * gi * gi;
                    double mHat = mh[i] / (1 - Math.pow(beta1, t));
                    double vHat = vh[i] / (1 - Math.pow(beta2, t));
                    p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
                for (int i = 0; i < 3; i++) {
                    assertThat((double) params.get(i)).as("param %s after step %s", i, t).isCloseTo(p[i], within(1e-6));
                    assertThat((double) m.get(i)).as("m %s after step %s", i, t).isCloseTo(mh[i], within(1e-8));
                    assertThat((double) v.get(i)).as("v %s after step %s", i, t).isCloseTo(vh[i], within(1e-9));
                }
            }
            // the first step moves each parameter by about lr·sign(g) (mhat/sqrt(vhat) = ±1), beyond the decay
            assertThat((double) params.get(0)).isCloseTo(0.5 * 0.999 * 0.999 - 0.02, within(1e-4));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void emaMovesTowardsTheInput(Backend backend) {
        try (TensorArena arena = backend.arena("ema")) {
            Tensor ema = f32(arena, "ema", 3).copyFrom(new float[] {0, 1, -2});
            Tensor x = f32(arena, "x", 3).copyFrom(new float[] {1, 1, 2});
            backend.ema(ema, x, 0.25f, 3);
            assertThat(ema.toFloatArray()).containsExactly(0.25f, 1, -1);
        }
    }

    @ParameterizedTest
    @MethodSource("fastBackends")
    void adamWAndEmaFastMatchReferenceOverTenSteps(Backend fast) {
        Backend ref = TestBackends.reference();
        try (TensorArena arena = fast.arena("parity")) {
            for (long n : ODD_SIZES) {
                SplittableRandom r = new SplittableRandom(n);
                Tensor p0 = Rand.normal(f32(arena, "p0", n), r, 1);
                Tensor[] params = {f32(arena, "pFast", n), f32(arena, "pRef", n)};
                Tensor[] ms = {f32(arena, "mFast", n), f32(arena, "mRef", n)};
                Tensor[] vs = {f32(arena, "vFast", n), f32(arena, "vRef", n)};
                Tensor[] emas = {f32(arena, "emaFast", n), f32(arena, "emaRef", n)};
                Backend[] backends = {fast, ref};
                for (int k = 0; k < 2; k++) {
                    params[k].copyFrom(p0.toFloatArray());
                    emas[k].copyFrom(p0.toFloatArray());
                }
                Tensor grads = f32(arena, "grads", n);
                for (int t = 1; t <= 10; t++) {
                    Rand.normal(grads, r, 0.1);
                    for (int k = 0; k < 2; k++) {
                        backends[k].adamW(params[k], grads, ms[k], vs[k], 1e-3f, 0.9f, 0.95f, 1e-8f, 0.1f, 0.7f, t, n);
                        backends[k].ema(emas[k], params[k], 0.01f, n);
                    }
                }
                String at = ", n " + n;
                Rand.assertClose("params" + at, params[0], params[1], 1e-6, 1e-6);
                Rand.assertClose("m" + at, ms[0], ms[1], 1e-8, 1e-5);
                Rand.assertClose("v" + at, vs[0], vs[1], 1e-10, 1e-5);
                Rand.assertClose("ema" + at, emas[0], emas[1], 1e-6, 1e-6);
            }
        }
    }

    private static float[] floats(double[] xs) {
        float[] f = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            f[i] = (float) xs[i];
        }
        return f;
    }
}
