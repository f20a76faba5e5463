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

/** Contract of matmul and the linear layer on every backend, and fast-vs-reference parity on odd shapes. */
class LinearContractTest {

    /** The backends under test (a subclass for another device shadows this and {@code fastBackends}). */
    static Stream<Named<Backend>> backends() {
        return TestBackends.all();
    }

    /** The backends compared with the reference. */
    static Stream<Named<Backend>> fastBackends() {
        return TestBackends.fast();
    }
    /** M x N x K: ones, primes, non-multiples of 16, a long K. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 17, 1}, {17, 33, 65}, {3, 100, 7}, {29, 1, 130}, {5, 9, 1000},
    };

    private static Tensor f32(TensorArena arena, String name, int... shape) {
        return arena.allocate(name, DType.F32, shape);
    }

    /** fp32 dot products of length k against double sums: error grows like sqrt(k)·2^-24 of Σ|terms|. */
    private static double tolerance(int k) {
        return 1e-5 + 2e-6 * k;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matmulOfSmallMatricesInAllTransposeCases(Backend backend) {
        try (TensorArena arena = backend.arena("mm")) {
            // a = [[1, 2, 3], [4, 5, 6]] (2 x 3), b = [[1, 0], [-1, 2], [0.5, 1]] (3 x 2): a·b = [[0.5, 7], [2, 16]]
            Tensor a = f32(arena, "a", 2, 3).copyFrom(new float[] {1, 2, 3, 4, 5, 6});
            Tensor aT = f32(arena, "aT", 3, 2).copyFrom(new float[] {1, 4, 2, 5, 3, 6});
            Tensor b = f32(arena, "b", 3, 2).copyFrom(new float[] {1, 0, -1, 2, 0.5f, 1});
            Tensor bT = f32(arena, "bT", 2, 3).copyFrom(new float[] {1, -1, 0.5f, 0, 2, 1});
            Tensor c = f32(arena, "c", 2, 2);
            float[] expected = {0.5f, 7, 2, 16};
            for (int tc = 0; tc < 4; tc++) {
                boolean transA = (tc & 1) != 0;
                boolean transB = (tc & 2) != 0;
                c.copyFrom(new float[] {10, 20, 30, 40});
                backend.matmul(c, transA ? aT : a, transB ? bT : b, 2, 2, 3, transA, transB, false);
                assertThat(c.toFloatArray()).as("transA %s transB %s", transA, transB).containsExactly(expected);
                backend.matmul(c, transA ? aT : a, transB ? bT : b, 2, 2, 3, transA, transB, true);
                assertThat(c.toFloatArray()).as("accumulate, transA %s transB %s", transA, transB)
                        .containsExactly(1, 14, 4, 32);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matmulMatchesDoubleSumsOnOddShapes(Backend backend) {
        try (TensorArena arena = backend.arena("mm")) {
            SplittableRandom r = new SplittableRandom(2);
            for (int[] s : SHAPES) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                Tensor a = Rand.uniform(f32(arena, "a", m, k), r, -1, 1);
                Tensor b = Rand.uniform(f32(arena, "b", k, n), r, -1, 1);
                Tensor c = Rand.uniform(f32(arena, "c", m, n), r, -1, 1);
                float[] c0 = c.toFloatArray();
                // the transposed cases read the same numbers through their transposes
                Tensor aT = transpose(arena, a, m, k);
                Tensor bT = transpose(arena, b, k, n);
                for (int tc = 0; tc < 4; tc++) {
                    boolean transA = (tc & 1) != 0;
                    boolean transB = (tc & 2) != 0;
                    for (boolean accumulate : new boolean[] {false, true}) {
                        c.copyFrom(c0);
                        backend.matmul(c, transA ? aT : a, transB ? bT : b, m, n, k, transA, transB, accumulate);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double want = accumulate ? c0[i * n + j] : 0;
                                for (int p = 0; p < k; p++) {
                                    want += (double) a.get((long) i * k + p) * b.get((long) p * n + j);
                                }
                                assertThat((double) c.get((long) i * n + j))
                                        .as("%sx%sx%s transA %s transB %s accumulate %s: c[%s][%s]",
                                                m, n, k, transA, transB, accumulate, i, j)
                                        .isCloseTo(want, within(tolerance(k)));
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void linearForwardWithAndWithoutBias(Backend backend) {
        try (TensorArena arena = backend.arena("lin")) {
            // inp (2, 3), weight (2 outputs, 3 inputs), bias (2)
            Tensor inp = f32(arena, "inp", 2, 3).copyFrom(new float[] {1, 2, 3, -1, 0, 1});
            Tensor weight = f32(arena, "weight", 2, 3).copyFrom(new float[] {1, 0, -1, 0.5f, 0.5f, 0.5f});
            Tensor bias = f32(arena, "bias", 2).copyFrom(new float[] {10, -10});
            Tensor out = f32(arena, "out", 2, 2).copyFrom(new float[] {7, 7, 7, 7});
            backend.linearForward(out, inp, weight, null, 2, 3, 2);
            assertThat(out.toFloatArray()).containsExactly(-2, 3, -2, 0);
            backend.linearForward(out, inp, weight, bias, 2, 3, 2);
            assertThat(out.toFloatArray()).containsExactly(8, -7, 8, -10);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void linearGradientMatchesFiniteDifferences(Backend backend) {
        try (TensorArena arena = backend.arena("lin")) {
            int n = 6;
            int c = 7;
            int oc = 5;
            SplittableRandom r = new SplittableRandom(4);
            Tensor inp = Rand.normal(f32(arena, "inp", n, c), r, 1);
            Tensor weight = Rand.normal(f32(arena, "weight", oc, c), r, 0.5);
            Tensor bias = Rand.uniform(f32(arena, "bias", oc), r, -1, 1);
            Tensor out = f32(arena, "out", n, oc);
            Tensor dout = f32(arena, "dout", n, oc);
            Tensor dinp = f32(arena, "dinp", n, c);
            Tensor dweight = f32(arena, "dweight", oc, c);
            Tensor dbias = f32(arena, "dbias", oc);
            GradCheck.of("linear",
                            () -> backend.linearForward(out, inp, weight, bias, n, c, oc),
                            () -> backend.linearBackward(dinp, dweight, dbias, dout, inp, weight, n, c, oc))
                    .inputs(List.of(inp, weight, bias), List.of(dinp, dweight, dbias))
                    .outputs(List.of(out), List.of(dout))
                    .eps(1e-2).tolerance(2e-3, 1e-2)
                    .run();
        }
    }

    @ParameterizedTest
    @MethodSource("fastBackends")
    void linearMatchesTheReferenceOnOddShapes(Backend backend) {
        int[][] shapes = {{1, 1, 1}, {1, 13, 31}, {37, 19, 45}, {130, 64, 257}, {3, 300, 2}, {260, 33, 17}};
        try (Backend reference = TestBackends.reference();
             TensorArena arena = backend.arena("fast");
             TensorArena refArena = reference.arena("ref")) {
            SplittableRandom r = new SplittableRandom(8);
            for (int[] s : shapes) {
                int n = s[0];
                int c = s[1];
                int oc = s[2];
                String what = "N " + n + ", C " + c + ", OC " + oc;
                Tensor[] x = new Tensor[7];
                Tensor[] y = new Tensor[7];
                int[][] dims = {{n, c}, {oc, c}, {oc}, {n, oc}, {n, c}, {oc, c}, {oc}};
                String[] names = {"inp", "weight", "bias", "dout", "dinp", "dweight", "dbias"};
                for (int i = 0; i < 7; i++) {
                    x[i] = Rand.uniform(f32(arena, names[i], dims[i]), r, -1, 1);
                    y[i] = f32(refArena, names[i], dims[i]).copyFrom(x[i].toFloatArray());
                }
                Tensor out = f32(arena, "out", n, oc);
                Tensor refOut = f32(refArena, "out", n, oc);
                for (boolean withBias : new boolean[] {true, false}) {
                    backend.linearForward(out, x[0], x[1], withBias ? x[2] : null, n, c, oc);
                    reference.linearForward(refOut, y[0], y[1], withBias ? y[2] : null, n, c, oc);
                    Rand.assertClose(what + " out, bias " + withBias, out, refOut, tolerance(c), 1e-5);
                }
                // all gradients, then each one alone (null outputs are skipped, the others untouched)
                backend.linearBackward(x[4], x[5], x[6], x[3], x[0], x[1], n, c, oc);
                reference.linearBackward(y[4], y[5], y[6], y[3], y[0], y[1], n, c, oc);
                backend.linearBackward(x[4], null, null, x[3], x[0], x[1], n, c, oc);
                reference.linearBackward(y[4], null, null, y[3], y[0], y[1], n, c, oc);
                backend.linearBackward(null, x[5], null, x[3], x[0], x[1], n, c, oc);
                reference.linearBackward(null, y[5], null, y[3], y[0], y[1], n, c, oc);
                backend.linearBackward(null, null, x[6], x[3], x[0], x[1], n, c, oc);
                reference.linearBackward(null, null, y[6], y[3], y[0], y[1], n, c, oc);
                Rand.assertClose(what + " dinp", x[4], y[4], tolerance(oc), 1e-5);
                Rand.assertClose(what + " dweight", x[5], y[5], tolerance(n), 1e-5);
                Rand.assertClose(what + " dbias", x[6], y[6], tolerance(n), 1e-5);
            }
        }
    }

    private static Tensor transpose(TensorArena arena, Tensor x, int rows, int cols) {
        Tensor t = f32(arena, x.name() + "T", cols, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t.set((long) j * rows + i, x.get((long) i * cols + j));
            }
        }
        return t;
    }
}
