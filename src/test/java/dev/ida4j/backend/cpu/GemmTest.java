package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packed GEMM against a naive double-accumulated product: odd shapes that exercise every edge (partial
 * register tiles, several MC/KC/NC blocks), all four transpose cases, accumulate on and off, tensors that are views
 * at unaligned offsets, 1 to 3 threads, and the single-threaded sub-matrix entry with leading dimensions.
 */
class GemmTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Guard floats around every view: they must come out untouched. */
    private static final int GUARD = 37;
    private static final float SENTINEL = -12345.5f;

    /**
     * M x N x K: 1s, primes, non-multiples of 16 and of the 48-column tile, sizes past MC (128), KC (512) and NC
     * (1024), and the last three big enough to run on several threads (shared B blocks, row chunks).
     */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 40, 1}, {40, 1, 1}, {1, 1, 300}, {17, 33, 65}, {3, 1000, 7}, {129, 257, 31},
        {8, 48, 256}, {16, 64, 257}, {130, 9, 513}, {5, 1100, 6}, {261, 70, 40},
        {200, 61, 300}, {40, 1030, 520}, {300, 100, 80},
    };

    /**
     * Long K, small C: these run as two half-K products (GemmSplitK), K split at a whole slice (1024), the second
     * half with a partial slice; with 4 threads the first also splits its rows (past MC).
     */
    private static final int[][] SPLIT_K_SHAPES = {{130, 70, 2100}, {40, 300, 2048}};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int threads = 1; threads <= 3; threads++) {
            for (int[] s : SHAPES) {
                out.add(Arguments.of(threads, s[0], s[1], s[2]));
            }
        }
        for (int threads = 1; threads <= 4; threads++) {
            for (int[] s : SPLIT_K_SHAPES) {
                out.add(Arguments.of(threads, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    /**
     * Worst-case-style bound for an fp32 dot product of length k, scaled by Σ|a·b|: the blocked sums are
     * sequential FMA chains of at most KC terms, whose error stays far below k·2^-24 of the absolute sum.
     */
    private static double tolerance(int k, double absSum) {
        return 1e-6 + 4e-7 * Math.sqrt(k) * absSum;
    }

    @ParameterizedTest(name = "{0} threads, {1}x{2}x{3}")
    @MethodSource("cases")
    void matchesNaiveProductInAllTransposeCases(int threads, int m, int n, int k) {
        try (CpuBackend backend = new CpuBackend(threads); TensorArena arena = TensorArena.host("gemm")) {
            SplittableRandom r = new SplittableRandom(31L * m + 7L * n + k);
            Tensor aHome = arena.allocate("aHome", DType.F32, m * k + 2 * GUARD);
            Tensor bHome = arena.allocate("bHome", DType.F32, k * n + 2 * GUARD);
            Tensor cHome = arena.allocate("cHome", DType.F32, m * n + 2 * GUARD);
            // views at odd float offsets: nothing in the kernel may assume alignment
            Tensor a = aHome.view("a", GUARD, m * k);
            Tensor b = bHome.view("b", GUARD, k * n);
            Tensor c = cHome.view("c", GUARD, m * n);
            for (int tc = 0; tc < 4; tc++) {
                boolean transA = (tc & 1) != 0;
                boolean transB = (tc & 2) != 0;
                for (boolean accumulate : new boolean[] {false, true}) {
                    fill(aHome, r);
                    fill(bHome, r);
                    fill(cHome, r);
                    guard(cHome, m * n);
                    double[][] expected = naive(c.segment(), 0, n, a.segment(), 0, transA ? m : k, transA,
                            b.segment(), 0, transB ? k : n, transB, m, n, k, accumulate);
                    backend.matmul(c, a, b, m, n, k, transA, transB, accumulate);
                    String what = m + "x" + n + "x" + k + (transA ? " Aᵀ" : " A") + (transB ? " Bᵀ" : " B")
                            + (accumulate ? " +=" : " =") + ", " + threads + " threads";
                    check(what, c.segment(), 0, n, expected, m, n, k);
                    checkGuard(what, cHome, m * n);
                }
            }
        }
    }

    /** oc 600: three blocks of the bias gradient's column sums (256, 256, 88: a masked tail), two threads. */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"37, 19, 45", "41, 23, 600"})
    void linearForwardAddsBiasAndBackwardAccumulatesAllThreeGradients(int n, int c, int oc) {
        try (CpuBackend backend = new CpuBackend(2); TensorArena arena = TensorArena.host("linear")) {
            SplittableRandom r = new SplittableRandom(5);
            Tensor inp = fill(arena.allocate("inp", DType.F32, n, c), r);
            Tensor weight = fill(arena.allocate("weight", DType.F32, oc, c), r);
            Tensor bias = fill(arena.allocate("bias", DType.F32, oc), r);
            Tensor out = fill(arena.allocate("out", DType.F32, n, oc), r);
            backend.linearForward(out, inp, weight, bias, n, c, oc);
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < oc; o++) {
                    double s = bias.get(o);
                    double abs = Math.abs(s);
                    for (int p = 0; p < c; p++) {
                        double t = (double) inp.get((long) i * c + p) * weight.get((long) o * c + p);
                        s += t;
                        abs += Math.abs(t);
                    }
                    assertThat((double) out.get((long) i * oc + o)).as("out[%s][%s]", i, o)
                            .isCloseTo(s, within(tolerance(c, abs)));
                }
            }
            Tensor dout = fill(arena.allocate("dout", DType.F32, n, oc), r);
            Tensor dinp = fill(arena.allocate("dinp", DType.F32, n, c), r);
            Tensor dweight = fill(arena.allocate("dweight", DType.F32, oc, c), r);
            Tensor dbias = fill(arena.allocate("dbias", DType.F32, oc), r);
            float[] dinp0 = dinp.toFloatArray();
            float[] dweight0 = dweight.toFloatArray();
            float[] dbias0 = dbias.toFloatArray();
            backend.linearBackward(dinp, dweight, dbias, dout, inp, weight, n, c, oc);
            for (int o = 0; o < oc; o++) {
                double s = dbias0[o];
                for (int i = 0; i < n; i++) {
                    s += dout.get((long) i * oc + o);
                }
                assertThat((double) dbias.get(o)).as("dbias[%s]", o)
                        .isCloseTo(s, within(1e-5 * n));
            }
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < c; p++) {
                    double s = dinp0[i * c + p];
                    for (int o = 0; o < oc; o++) {
                        s += (double) dout.get((long) i * oc + o) * weight.get((long) o * c + p);
                    }
                    assertThat((double) dinp.get((long) i * c + p)).as("dinp[%s][%s]", i, p)
                            .isCloseTo(s, within(1e-5 * oc));
                }
            }
            for (int o = 0; o < oc; o++) {
                for (int p = 0; p < c; p++) {
                    double s = dweight0[o * c + p];
                    for (int i = 0; i < n; i++) {
                        s += (double) dout.get((long) i * oc + o) * inp.get((long) i * c + p);
                    }
                    assertThat((double) dweight.get((long) o * c + p)).as("dweight[%s][%s]", o, p)
                            .isCloseTo(s, within(1e-5 * n));
                }
            }
        }
    }

    /** The shared loop nest (A·Bᵀ) and a split-K product (Aᵀ·B, as a weight gradient). */
    @ParameterizedTest(name = "{0}x{1}x{2}, transposed A {3}")
    @CsvSource({"301, 203, 517, false", "130, 70, 2100, true"})
    void resultsDoNotDependOnTheThreadCount(int m, int n, int k, boolean transA) {
        try (TensorArena arena = TensorArena.host("threads")) {
            SplittableRandom r = new SplittableRandom(9);
            Tensor a = fill(arena.allocate("a", DType.F32, m, k), r);
            Tensor b = fill(arena.allocate("b", DType.F32, n, k), r);
            float[] first = null;
            for (int threads = 1; threads <= 4; threads++) {
                try (CpuBackend backend = new CpuBackend(threads)) {
                    Tensor c = arena.allocate("c" + threads, DType.F32, m, n);
                    // transposed A: a's storage read as (K, M); B: b's storage read as (K, N)
                    backend.matmul(c, a, b, m, n, k, transA, !transA, false);
                    if (first == null) {
                        first = c.toFloatArray();
                    } else {
                        // every element sums its K terms in the same order whichever thread owns it
                        assertThat(c.toFloatArray()).as("%s threads vs 1", threads).containsExactly(first);
                    }
                }
            }
        }
    }

    /** Sub-matrices inside larger row-major matrices, as attention addresses one head of a (T, C) tensor. */
    @Test
    void singleThreadedEntryMultipliesSubMatricesWithLeadingDimensions() {
        try (ThreadPool pool = new ThreadPool(2); TensorArena arena = TensorArena.host("sub");
             java.lang.foreign.Arena scratch = java.lang.foreign.Arena.ofShared()) {
            Gemm gemm = new Gemm(pool, scratch);
            SplittableRandom r = new SplittableRandom(3);
            int[][] shapes = {{1, 1, 1}, {64, 64, 16}, {37, 29, 13}, {130, 5, 300}, {9, 70, 1}};
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                for (int tc = 0; tc < 4; tc++) {
                    boolean transA = (tc & 1) != 0;
                    boolean transB = (tc & 2) != 0;
                    int aRows = transA ? k : m;
                    int aCols = transA ? m : k;
                    int bRows = transB ? n : k;
                    int bCols = transB ? k : n;
                    // each operand is the block at (row 2, column 3) of a wider matrix: ld = cols + 5
                    int lda = aCols + 5;
                    int ldb = bCols + 7;
                    int ldc = n + 3;
                    MemorySegment a = fill(arena.allocate("a", DType.F32, (aRows + 4) * lda), r).segment();
                    MemorySegment b = fill(arena.allocate("b", DType.F32, (bRows + 4) * ldb), r).segment();
                    Tensor cT = fill(arena.allocate("c", DType.F32, (m + 4) * ldc), r);
                    MemorySegment c = cT.segment();
                    long aOff = 4L * (2 * lda + 3);
                    long bOff = 4L * (2 * ldb + 3);
                    long cOff = 4L * (2 * ldc + 3);
                    for (boolean accumulate : new boolean[] {false, true}) {
                        float[] before = cT.toFloatArray();
                        double[][] expected = naive(c, cOff, ldc, a, aOff, lda, transA, b, bOff, ldb, transB,
                                m, n, k, accumulate);
                        gemm.matmulOnThread(1, c, cOff, ldc, a, aOff, lda, transA, b, bOff, ldb, transB,
                                m, n, k, accumulate);
                        String what = "sub " + m + "x" + n + "x" + k + " tc" + tc + (accumulate ? " +=" : " =");
                        check(what, c, cOff, ldc, expected, m, n, k);
                        float[] after = cT.toFloatArray();
                        for (int i = 0; i < after.length; i++) {
                            long row = i / ldc;
                            long col = i % ldc;
                            boolean inside = row >= 2 && row < 2 + m && col >= 3 && col < 3 + n;
                            if (!inside) {
                                assertThat(after[i]).as("%s: element %s outside the block", what, i)
                                        .isEqualTo(before[i]);
                            }
                        }
                    }
                }
            }
        }
    }

    // ---- helpers ----

    static Tensor fill(Tensor t, SplittableRandom r) {
        for (long i = 0; i < t.numel(); i++) {
            t.set(i, (float) (2 * r.nextDouble() - 1));
        }
        return t;
    }

    private static void guard(Tensor home, int inner) {
        for (int i = 0; i < GUARD; i++) {
            home.set(i, SENTINEL);
            home.set(GUARD + inner + i, SENTINEL);
        }
    }

    private static void checkGuard(String what, Tensor home, int inner) {
        for (int i = 0; i < GUARD; i++) {
            assertThat(home.get(i)).as("%s: guard before c[%s]", what, i).isEqualTo(SENTINEL);
            assertThat(home.get(GUARD + inner + i)).as("%s: guard after c[%s]", what, i).isEqualTo(SENTINEL);
        }
    }

    /** {expected, Σ|terms|} per element of c (m x n at cOff with leading dimension ldc), all in double. */
    private static double[][] naive(MemorySegment c, long cOff, int ldc, MemorySegment a, long aOff, int lda,
                                    boolean transA, MemorySegment b, long bOff, int ldb, boolean transB,
                                    int m, int n, int k, boolean accumulate) {
        double[][] out = new double[2][m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = accumulate ? c.get(F, cOff + 4L * ((long) i * ldc + j)) : 0;
                double abs = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    long ai = transA ? (long) p * lda + i : (long) i * lda + p;
                    long bi = transB ? (long) j * ldb + p : (long) p * ldb + j;
                    float x = a.get(F, aOff + 4 * ai);
                    float y = b.get(F, bOff + 4 * bi);
                    double t = (double) x * y;
                    s += t;
                    abs += Math.abs(t);
                }
                out[0][i * n + j] = s;
                out[1][i * n + j] = abs;
            }
        }
        return out;
    }

    private static void check(String what, MemorySegment c, long cOff, int ldc, double[][] expected,
                              int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double got = c.get(F, cOff + 4L * ((long) i * ldc + j));
                double want = expected[0][i * n + j];
                double tol = tolerance(k, expected[1][i * n + j]);
                if (!(Math.abs(got - want) <= tol)) {
                    throw new AssertionError(what + ": c[" + i + "][" + j + "] = " + got + ", expected " + want
                            + " (tol " + tol + ")");
                }
            }
        }
    }
}
