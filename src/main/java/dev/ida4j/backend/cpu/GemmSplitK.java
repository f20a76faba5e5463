package dev.ida4j.backend.cpu;

import static dev.ida4j.backend.cpu.GemmKernel.F32;
import static dev.ida4j.backend.cpu.GemmKernel.KC;
import static dev.ida4j.backend.cpu.GemmKernel.L;
import static dev.ida4j.backend.cpu.GemmKernel.MR;
import static dev.ida4j.backend.cpu.GemmKernel.ORDER;
import static dev.ida4j.backend.cpu.GemmKernel.S;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Split K, for products with a long K and a small C: the weight gradients doutᵀ·inp of a linear layer, where K is
 * the batch's B·T rows (M x N x K = 256..1024 x 256..1024 x 2048 in tiny-gpt's backward). Such a product runs as
 * two half-K products, each on its own threads with its own packed B, and the second half's partial C is added at
 * the end: c = (c + first half) + second half.
 *
 * <p>Why: in the shared loop nest the threads of one product read a single packed B block that they wrote
 * together, all K x N of it (2 MiB for N = 256), so half of every block crosses between the cores. On the 2-vCPU
 * development VM that ran these shapes at 95-120 GFLOP/s in its slow spells while the forward shapes kept
 * 150-170; split, they kept 130-160 (the same in the VM's good spells, where both ways run at 150-170).
 *
 * <p>Whether a product splits, and where, depends on its shape alone, and each half sums its K terms in the fixed
 * order of the loop nest, so results still do not depend on the thread count. Threads beyond two take row ranges
 * of each half (each packing that half's B for itself).
 */
final class GemmSplitK implements ThreadPool.Body {
    /** K from which a product splits: two halves of at least two K slices each. */
    static final int MIN_K = 4 * KC;
    /** Largest C (floats) that splits: the partial C of the second half has this much room (1 MiB). */
    static final long MAX_C = 256 * 1024;
    /** Below this a product is too small to be worth a second pass over C. */
    private static final long MIN_FLOPS = 1L << 24;

    private final Gemm gemm;
    private final ThreadPool pool;
    private final MemorySegment partial;
    private final Blocks addPartial;
    private MemorySegment c;
    private MemorySegment a;
    private MemorySegment b;
    private int m;
    private int n;
    private int k;
    private boolean transA;
    private boolean transB;
    private boolean accumulate;
    /** K of the first half: whole K slices, so only the second half has a partial last slice. */
    private int kFirst;
    /** Row ranges per half, and the rows of each (a multiple of MR). */
    private int ranges;
    private int rowsPerRange;

    GemmSplitK(Gemm gemm, ThreadPool pool, Arena arena) {
        this.gemm = gemm;
        this.pool = pool;
        this.partial = arena.allocate(4 * MAX_C, 64);
        this.addPartial = new Blocks(pool, this::addPartialBlock);
    }

    /** Whether c(M,N) = op(a)·op(b) with this shape splits (a bias is added by the unsplit loop nest only). */
    static boolean applies(int m, int n, int k, boolean bias) {
        return !bias && k >= MIN_K && (long) m * n <= MAX_C && 2L * m * n * k >= MIN_FLOPS;
    }

    // c(M,N) = [c +] op(a)·op(b), whole tensors (offset 0, rows contiguous), as Gemm.matmul
    void run(MemorySegment c, MemorySegment a, MemorySegment b, int m, int n, int k, boolean transA, boolean transB,
             boolean accumulate) {
        this.c = c;
        this.a = a;
        this.b = b;
        this.m = m;
        this.n = n;
        this.k = k;
        this.transA = transA;
        this.transB = transB;
        this.accumulate = accumulate;
        this.kFirst = k / 2 / KC * KC;
        // one range per half on two threads; more threads split each half's rows, keeping ranges of MC rows or more
        this.ranges = Math.max(1, Math.min(pool.threads() / 2, (m + Gemm.MC - 1) / Gemm.MC));
        this.rowsPerRange = ((m + ranges - 1) / ranges + MR - 1) / MR * MR;
        try {
            pool.forRange(2 * ranges, this);
            addPartial.run((long) m * n);
        } finally {
            this.c = null;
            this.a = null;
            this.b = null;
        }
    }

    @Override
    public void run(int worker, int begin, int end) {
        for (int x = begin; x < end; x++) {
            boolean second = x >= ranges;
            int i0 = (x % ranges) * rowsPerRange;
            int rows = Math.min(rowsPerRange, m - i0);
            if (rows <= 0) {
                continue;
            }
            int p0 = second ? kFirst : 0;
            int kk = second ? k - kFirst : kFirst;
            // op(a) rows [i0, i0 + rows), K from p0: a is stored (M,K), or (K,M) when transposed
            long aOff = 4L * (transA ? (long) p0 * m + i0 : (long) i0 * k + p0);
            // op(b) K from p0: b is stored (K,N), or (N,K) when transposed
            long bOff = 4L * (transB ? p0 : (long) p0 * n);
            MemorySegment dst = second ? partial : c;
            gemm.matmulOnThread(worker, dst, 4L * i0 * n, n, a, aOff, transA ? m : k, transA, b, bOff,
                    transB ? k : n, transB, rows, n, kk, !second && accumulate);
        }
    }

    /** c[base, base + len) += partial[base, base + len): both (M,N) with contiguous rows, so flat. */
    private void addPartialBlock(int worker, long base, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            long at = 4 * (base + i);
            FloatVector.fromMemorySegment(S, c, at, ORDER)
                    .add(FloatVector.fromMemorySegment(S, partial, at, ORDER))
                    .intoMemorySegment(c, at, ORDER);
        }
        for (; i < len; i++) {
            long at = 4 * (base + i);
            c.set(F32, at, c.get(F32, at) + partial.get(F32, at));
        }
    }
}
