package dev.ida4j.backend.cpu;

import static dev.ida4j.backend.cpu.GemmKernel.F32;
import static dev.ida4j.backend.cpu.GemmKernel.KC;
import static dev.ida4j.backend.cpu.GemmKernel.L;
import static dev.ida4j.backend.cpu.GemmKernel.MR;
import static dev.ida4j.backend.cpu.GemmKernel.NR;
import static dev.ida4j.backend.cpu.GemmKernel.ORDER;
import static dev.ida4j.backend.cpu.GemmKernel.S;

import dev.ida4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Packed, cache-blocked SGEMM (the GotoBLAS/BLIS loop nest) and the linear layer built on it.
 *
 * <p>Per thread: for each NC-wide column block of C and each KC-deep slice of K, pack op(B)[KC x NC] (L2/L3), then
 * for each MC-high row block pack op(A)[MC x KC] (L2) and sweep {@link GemmKernel}'s MR x NR register tile over it,
 * B micro-panel outer (it stays in L1), A micro-panels inner. Packing handles all four transpose cases and pads
 * edges with zeros; partial tiles go through a small scratch tile and are merged with scalar code.
 *
 * <p>Threads: C is cut into as many row bands (or column bands, whichever dimension is longer) as the pool has
 * threads, and each thread runs the whole loop nest on its band with its own pack buffers, so threads never wait
 * on each other. The buffers are allocated once here, sized by the fixed block sizes.
 */
final class Gemm {
    /** Rows of A packed per block: 128 x 256 floats = 128 KiB, resident in L2 while B panels sweep it. */
    static final int MC = 128;
    /** Columns of B packed per block: 256 x 1024 floats = 1 MiB. */
    static final int NC = 1024;
    /** Below this many flops a call runs on the calling thread (waking a worker costs more). */
    private static final long PARALLEL_FLOPS = 1L << 21;

    private final ThreadPool pool;
    private final MemorySegment[] packA;
    private final MemorySegment[] packB;
    private final MemorySegment[] tile;
    private final Product product = new Product();
    private final ColumnSums columnSums = new ColumnSums();

    Gemm(ThreadPool pool) {
        this.pool = pool;
        int t = pool.threads();
        // auto arena: the buffers live as long as this backend is reachable (the backend has no close hook here)
        Arena arena = Arena.ofAuto();
        packA = new MemorySegment[t];
        packB = new MemorySegment[t];
        tile = new MemorySegment[t];
        for (int i = 0; i < t; i++) {
            packA[i] = arena.allocate(4L * MC * KC, 64);
            packB[i] = arena.allocate(4L * KC * ((NC + NR - 1) / NR) * NR, 64);
            tile[i] = arena.allocate(4L * MR * NR, 64);
        }
    }

    // c(M,N) = [c +] op(a)·op(b)
    void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB, boolean accumulate) {
        product.run(c.segment(), a.segment(), b.segment(), null, m, n, k, transA, transB, accumulate);
    }

    // out(N,OC) = inp(N,C)·weight(OC,C)ᵀ + bias(OC), the bias added in the GEMM's first write-back
    void linearForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        product.run(out.segment(), inp.segment(), weight.segment(), bias == null ? null : bias.segment(),
                n, oc, c, false, true, false);
    }

    // dinp(N,C) += dout(N,OC)·weight(OC,C); dweight(OC,C) += doutᵀ·inp(N,C); dbias(OC) += Σ_rows dout
    void linearBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                        int n, int c, int oc) {
        MemorySegment g = dout.segment();
        if (dbias != null) {
            columnSums.run(dbias.segment(), g, n, oc);
        }
        if (dinp != null) {
            product.run(dinp.segment(), g, weight.segment(), null, n, c, oc, false, false, true);
        }
        if (dweight != null) {
            product.run(dweight.segment(), g, inp.segment(), null, oc, c, n, true, false, true);
        }
    }

    /**
     * c = [c +] op(a)·op(b) on sub-matrices, entirely on the calling thread: for kernels that run their own parallel
     * loop and need a product per item (attention's per-(batch, head) (T x HS)·(HS x T) with leading dimension C).
     *
     * <p>Each matrix is given as (segment, byte offset of its element (0,0), leading dimension = floats between
     * consecutive stored rows). op(a) is (M,K): stored a(M,K), or a(K,M) when {@code transA}; op(b) is (K,N): stored
     * b(K,N), or b(N,K) when {@code transB}; c is (M,N). Rows of a stored matrix need not be contiguous with each
     * other (ld ≥ the row length), so a head's slice of a (B,T,C) tensor is addressed directly.
     *
     * @param worker the calling thread's index in the pool's loop ({@link ThreadPool.Body#run}'s {@code worker},
     *               0 outside one): it picks this thread's pack buffers, so two threads must never pass the same
     *               value at the same time, and it must be below the pool's thread count
     */
    void matmulOnThread(int worker, MemorySegment c, long cOff, int ldc, MemorySegment a, long aOff, int lda,
                        boolean transA, MemorySegment b, long bOff, int ldb, boolean transB,
                        int m, int n, int k, boolean accumulate) {
        blocked(worker, c, cOff, ldc, a, aOff, lda, transA, b, bOff, ldb, transB, null, 0, m, n, k, accumulate);
    }

    /** One thread's loop nest over c (m x n) = [c +] bias + op(a)·op(b); offsets in bytes, leading dims in floats. */
    private void blocked(int worker, MemorySegment c, long cOff, long ldc, MemorySegment a, long aOff, long lda,
                         boolean transA, MemorySegment b, long bOff, long ldb, boolean transB,
                         MemorySegment bias, long biasOff, int m, int n, int k, boolean accumulate) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        c.set(F32, cOff + 4 * (i * ldc + j), bias == null ? 0f : bias.get(F32, biasOff + 4L * j));
                    }
                }
            }
            return;
        }
        MemorySegment pa = packA[worker];
        MemorySegment pb = packB[worker];
        MemorySegment t = tile[worker];
        long ldcBytes = 4 * ldc;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                GemmPacking.packB(pb, b, bOff, ldb, transB, jc, nc, pc, kc);
                // the first K slice overwrites (unless accumulating) and adds the bias; later slices add
                boolean load = accumulate || pc > 0;
                MemorySegment bs = pc == 0 ? bias : null;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    GemmPacking.packA(pa, a, aOff, lda, transA, ic, mc, pc, kc);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        long aPanel = 4L * ir * KC;
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            long bPanel = 4L * jr * kc;
                            int j = jc + jr;
                            long bj = biasOff + 4L * j;
                            long cij = cOff + 4 * ((ic + ir) * ldc + j);
                            // a narrower kernel for the last panel of a width NR does not divide
                            if (nr > 2 * L) {
                                GemmKernel.product(kc, pa, aPanel, pb, bPanel, t);
                            } else if (nr > L) {
                                GemmKernel.product2(kc, pa, aPanel, pb, bPanel, t);
                            } else {
                                GemmKernel.product1(kc, pa, aPanel, pb, bPanel, t);
                            }
                            GemmKernel.store(t, c, cij, ldcBytes, mr, nr, load, bs, bj);
                        }
                    }
                }
            }
        }
    }

    /** The parallel driver: one band of C per part; per-call arguments live in fields (no allocation). */
    private final class Product implements ThreadPool.Body {
        private MemorySegment c;
        private MemorySegment a;
        private MemorySegment b;
        private MemorySegment bias;
        private int m;
        private int n;
        private int k;
        private boolean transA;
        private boolean transB;
        private boolean accumulate;
        private boolean byRows;
        private int parts;

        void run(MemorySegment c, MemorySegment a, MemorySegment b, MemorySegment bias, int m, int n, int k,
                 boolean transA, boolean transB, boolean accumulate) {
            this.c = c;
            this.a = a;
            this.b = b;
            this.bias = bias;
            this.m = m;
            this.n = n;
            this.k = k;
            this.transA = transA;
            this.transB = transB;
            this.accumulate = accumulate;
            // Cutting the longer side duplicates the packing of the smaller operand only (each band packs all of
            // the other operand): rows when M ≥ N, so each thread packs all of B (K x N, the smaller one).
            byRows = m >= n;
            int units = byRows ? (m + MR - 1) / MR : (n + NR - 1) / NR;
            long flops = 2L * m * n * k;
            parts = (int) Math.min(Math.min(pool.threads(), units), Math.max(1, flops / PARALLEL_FLOPS));
            try {
                pool.forRange(parts, this);
            } finally {
                this.c = null;
                this.a = null;
                this.b = null;
                this.bias = null;
            }
        }

        @Override
        public void run(int worker, int begin, int end) {
            for (int part = begin; part < end; part++) {
                if (byRows) {
                    int units = (m + MR - 1) / MR;
                    int i0 = Math.min(m, (int) ((long) units * part / parts) * MR);
                    int i1 = Math.min(m, (int) ((long) units * (part + 1) / parts) * MR);
                    long aOff = transA ? 4L * i0 : 4L * i0 * k;
                    blocked(worker, c, 4L * i0 * n, n, a, aOff, transA ? m : k, transA,
                            b, 0, transB ? k : n, transB, bias, 0, i1 - i0, n, k, accumulate);
                } else {
                    int units = (n + NR - 1) / NR;
                    int j0 = Math.min(n, (int) ((long) units * part / parts) * NR);
                    int j1 = Math.min(n, (int) ((long) units * (part + 1) / parts) * NR);
                    long bOff = transB ? 4L * j0 * k : 4L * j0;
                    blocked(worker, c, 4L * j0, n, a, 0, transA ? m : k, transA,
                            b, bOff, transB ? k : n, transB, bias, 4L * j0, m, j1 - j0, k, accumulate);
                }
            }
        }
    }

    /** dbias(OC) += Σ_rows dout(N,OC), vectorised over columns, parallel over column blocks. */
    private final class ColumnSums implements ThreadPool.Body {
        private MemorySegment dbias;
        private MemorySegment dout;
        private int n;
        private int oc;

        void run(MemorySegment dbias, MemorySegment dout, int n, int oc) {
            this.dbias = dbias;
            this.dout = dout;
            this.n = n;
            this.oc = oc;
            try {
                // ~16 columns x 256 rows per thread at least before a second thread pays off
                pool.forRange((oc + L - 1) / L, Math.max(1, (1 << 12) / n), this);
            } finally {
                this.dbias = null;
                this.dout = null;
            }
        }

        @Override
        public void run(int worker, int begin, int end) {
            long row = 4L * oc;
            for (int v = begin; v < end; v++) {
                int j = v * L;
                VectorMask<Float> mask = S.indexInRange(j, oc);
                // summed in fp32 per column: fine for the row counts of a batch (error grows like sqrt(N)·eps)
                FloatVector acc = FloatVector.zero(S);
                for (int i = 0; i < n; i++) {
                    acc = acc.add(FloatVector.fromMemorySegment(S, dout, i * row + 4L * j, ORDER, mask));
                }
                acc.add(FloatVector.fromMemorySegment(S, dbias, 4L * j, ORDER, mask))
                        .intoMemorySegment(dbias, 4L * j, ORDER, mask);
            }
        }
    }
}
