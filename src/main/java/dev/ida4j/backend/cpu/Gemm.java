package dev.ida4j.backend.cpu;

import static dev.ida4j.backend.cpu.GemmKernel.F32;
import static dev.ida4j.backend.cpu.GemmKernel.KC;
import static dev.ida4j.backend.cpu.GemmKernel.L;
import static dev.ida4j.backend.cpu.GemmKernel.MR;
import static dev.ida4j.backend.cpu.GemmKernel.NR;

import dev.ida4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Packed, cache-blocked SGEMM (the GotoBLAS/BLIS loop nest) and the linear layer built on it.
 *
 * <p>Loop nest: for each NC-wide column block of C, pack op(B) for a group of KC-deep slices of K (as many as the
 * buffer holds: one slice of a full-width block, all of K when N is narrow); then for each row chunk (at most MC
 * rows) and each slice, pack that piece of op(A) and, for each MR-row A micro-panel (kept in L1), sweep
 * {@link GemmKernel}'s MR x NR register tile across all B micro-panels of the slice. A chunk runs through all slices
 * of a group in a row, so its rows of C stay in cache between slices. Packing handles the four transpose cases and
 * zero-pads the edges; edge tiles are written back with masks.
 *
 * <p>Threads share the packed B block: they pack its micro-panels side by side, meet at a barrier, then take row
 * chunks from a shared counter (dynamic scheduling, so a thread that the OS slows down simply takes fewer chunks).
 * B is double-buffered, so one barrier per block suffices: a thread packs block b + 1 only after the barrier of
 * block b, which every thread reaches only after finishing its chunks of block b - 1, the previous user of that
 * buffer. Each thread packs its own A chunks into its own buffer; nothing is packed twice.
 *
 * <p>A product with a long K and a small C (a weight gradient) runs instead as two half-K products with their own
 * B blocks, see {@link GemmSplitK}.
 *
 * <p>All buffers are allocated here, once, sized by the fixed block sizes; a call allocates nothing.
 */
final class Gemm {
    /** Most rows of A packed at once (a multiple of MR and of 16, see GemmPacking.packA): 128 x KC floats. */
    static final int MC = 128;
    /** Columns of B packed per block: KC x 1024 floats (2 MiB), streamed from L2/L3 by the A micro-panels. */
    static final int NC = 1024;
    /**
     * Floats of one packed B block buffer (2.5 MiB): one KC x NC slice (NC rounded up to whole micro-panels), or
     * several slices of a narrower block, e.g. all of K = 2048 for N = 256 (dweight of a 256-wide layer).
     */
    private static final long B_BLOCK = 640 * 1024;
    /** Below this many flops a call runs on the calling thread (waking a worker costs more). */
    private static final long PARALLEL_FLOPS = 1L << 21;

    private final ThreadPool pool;
    private final MemorySegment[] packA;
    private final MemorySegment[] packB;
    private final MemorySegment[] tile;
    /** Per-worker arguments of single-threaded products (matmulOnThread, small calls). */
    private final Call[] own;
    private final Product product = new Product();
    private final ColumnSums columnSums;
    private final GemmSplitK splitK;

    Gemm(ThreadPool pool, Arena arena) {
        this.pool = pool;
        int t = pool.threads();
        packA = new MemorySegment[t];
        tile = new MemorySegment[t];
        own = new Call[t];
        for (int i = 0; i < t; i++) {
            packA[i] = arena.allocate(4L * MC * KC, 64);
            tile[i] = arena.allocate(4L * MR * NR, 64);
            own[i] = new Call();
        }
        // B blocks: worker w's own in single-threaded products; the first two double-buffer a shared product
        packB = new MemorySegment[Math.max(2, t)];
        for (int i = 0; i < packB.length; i++) {
            packB[i] = arena.allocate(4L * B_BLOCK, 64);
        }
        splitK = new GemmSplitK(this, pool, arena);
        columnSums = new ColumnSums(pool, arena);
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
        Call w = own[worker];
        w.set(c, cOff, ldc, a, aOff, lda, transA, b, bOff, ldb, transB, null, 0, m, n, k, accumulate, MC);
        try {
            loopNest(w, worker, null);
        } finally {
            w.clear();
        }
    }

    /**
     * The loop nest of one product, run by one thread ({@code shared} null: everything in order, this worker's own B
     * buffer) or by each thread of a parallel product (work items claimed from {@code shared}'s counters, the shared
     * double-buffered B blocks, a barrier after each block is packed). Every thread walks the same sequence of
     * blocks; the counters only grow, so each block's items are a known ticket range and nothing is reset mid-call.
     */
    private void loopNest(Call w, int worker, Product shared) {
        int m = w.m;
        int n = w.n;
        int k = w.k;
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            emptyProduct(w.c, w.cOff, w.ldc, w.bias, w.biasOff, m, n, w.accumulate);
            return;
        }
        int chunks = (m + w.chunk - 1) / w.chunk;
        int panelBase = 0;
        int chunkBase = 0;
        int block = 0;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int panels = (nc + NR - 1) / NR;
            long slice = 4L * KC * panels * NR;
            int group = (int) Math.max(1, 4 * B_BLOCK / slice);
            for (int pc0 = 0; pc0 < k; pc0 += group * KC, block++) {
                int slices = Math.min(group, (k - pc0 + KC - 1) / KC);
                MemorySegment pb = shared == null ? packB[worker] : packB[block & 1];
                int items = panels * slices;
                if (!w.transB) {
                    // row by row across this thread's share of the panels (all of them when it works alone)
                    int parts = shared == null ? 1 : shared.parts;
                    int me = shared == null ? 0 : worker;
                    for (int z = 0; z < slices; z++) {
                        int pc = pc0 + z * KC;
                        GemmPacking.packBRows(pb, z * slice, w.b, w.bOff, w.ldb, jc, nc, pc, Math.min(KC, k - pc),
                                panels * me / parts, panels * (me + 1) / parts);
                    }
                } else {
                    for (int x = next(shared, panelTickets(shared), panelBase, items, -1); x >= 0;
                         x = next(shared, panelTickets(shared), panelBase, items, x)) {
                        int z = x / panels;
                        int pc = pc0 + z * KC;
                        GemmPacking.packB(pb, z * slice, w.b, w.bOff, w.ldb, w.transB, jc, nc, pc,
                                Math.min(KC, k - pc), x % panels);
                    }
                }
                panelBase += items;
                if (shared != null) {
                    // the block is packed once every thread has arrived here (each has packed its share of the
                    // panels, or claimed them until none was left)
                    shared.await(block + 1);
                }
                for (int q = next(shared, chunkTickets(shared), chunkBase, chunks, -1); q >= 0;
                     q = next(shared, chunkTickets(shared), chunkBase, chunks, q)) {
                    int ic = q * w.chunk;
                    int mc = Math.min(w.chunk, m - ic);
                    for (int z = 0; z < slices; z++) {
                        int pc = pc0 + z * KC;
                        rowChunk(w, worker, pb, z * slice, ic, mc, jc, nc, pc, Math.min(KC, k - pc));
                    }
                }
                chunkBase += chunks;
            }
        }
        if (shared != null) {
            // wait for the others here, yielding to them if the OS has descheduled one, rather than in the pool's
            // final join, which only spins
            shared.await(block + 1);
        }
    }

    private static AtomicInteger panelTickets(Product shared) {
        return shared == null ? null : shared.panelTickets;
    }

    private static AtomicInteger chunkTickets(Product shared) {
        return shared == null ? null : shared.chunkTickets;
    }

    /**
     * The item to do after {@code previous} (-1 at the start) among {@code items}, or -1 when none is left: the
     * next in order for a single thread, else the next unclaimed ticket of [base, base + items).
     */
    private static int next(Product shared, AtomicInteger tickets, int base, int items, int previous) {
        if (shared == null) {
            return previous + 1 < items ? previous + 1 : -1;
        }
        while (true) {
            int t = tickets.get();
            if (t >= base + items) {
                return -1;
            }
            if (tickets.compareAndSet(t, t + 1)) {
                return t - base;
            }
        }
    }

    /**
     * Rows [ic, ic + mc) of c's column block [jc, jc + nc), K slice [pc, pc + kc): packs that piece of op(a) into
     * this worker's buffer and runs the register tile over it and the B slice packed at {@code pbOff} in pb.
     */
    private void rowChunk(Call w, int worker, MemorySegment pb, long pbOff, int ic, int mc, int jc, int nc,
                          int pc, int kc) {
        MemorySegment pa = packA[worker];
        MemorySegment t = tile[worker];
        MemorySegment c = w.c;
        long ldc = w.ldc;
        GemmPacking.packA(pa, w.a, w.aOff, w.lda, w.transA, ic, mc, pc, kc);
        // the first K slice overwrites (unless accumulating) and adds the bias; later slices add to it
        boolean load = w.accumulate || pc > 0;
        MemorySegment bias = pc == 0 ? w.bias : null;
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            long aPanel = 4L * ir * KC;
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr);
                long bPanel = pbOff + 4L * jr * kc;
                int j = jc + jr;
                // a narrower kernel for the last panel of a width NR does not divide
                if (nr > 2 * L) {
                    GemmKernel.product(kc, pa, aPanel, pb, bPanel, t);
                } else if (nr > L) {
                    GemmKernel.product2(kc, pa, aPanel, pb, bPanel, t);
                } else {
                    GemmKernel.product1(kc, pa, aPanel, pb, bPanel, t);
                }
                GemmKernel.store(t, c, w.cOff + 4 * ((ic + ir) * ldc + j), 4 * ldc, mr, nr, load, bias,
                        w.biasOff + 4L * j);
            }
        }
    }

    /** K = 0: c = bias (or 0), or unchanged when accumulating. */
    private static void emptyProduct(MemorySegment c, long cOff, long ldc, MemorySegment bias, long biasOff,
                                     int m, int n, boolean accumulate) {
        if (accumulate) {
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c.set(F32, cOff + 4 * (i * ldc + j), bias == null ? 0f : bias.get(F32, biasOff + 4L * j));
            }
        }
    }

    /** The arguments of one product, in fields so that passing them around allocates nothing. */
    private static final class Call {
        MemorySegment c;
        long cOff;
        long ldc;
        MemorySegment a;
        long aOff;
        long lda;
        boolean transA;
        MemorySegment b;
        long bOff;
        long ldb;
        boolean transB;
        MemorySegment bias;
        long biasOff;
        int m;
        int n;
        int k;
        boolean accumulate;
        /** Rows per work item (at most MC). */
        int chunk;

        void set(MemorySegment c, long cOff, long ldc, MemorySegment a, long aOff, long lda, boolean transA,
                 MemorySegment b, long bOff, long ldb, boolean transB, MemorySegment bias, long biasOff,
                 int m, int n, int k, boolean accumulate, int chunk) {
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.transA = transA;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.transB = transB;
            this.bias = bias;
            this.biasOff = biasOff;
            this.m = m;
            this.n = n;
            this.k = k;
            this.accumulate = accumulate;
            this.chunk = chunk;
        }

        /** Drops the references, so a finished call keeps no tensor memory reachable. */
        void clear() {
            c = null;
            a = null;
            b = null;
            bias = null;
        }
    }

    /** The parallel driver: shared state of {@link #loopNest} run by {@code parts} threads (see the class comment). */
    private final class Product implements ThreadPool.Body {
        private final Call w = new Call();
        private final AtomicInteger panelTickets = new AtomicInteger();
        private final AtomicInteger chunkTickets = new AtomicInteger();
        private final AtomicInteger arrived = new AtomicInteger();
        /** Set by a thread that failed, so the others stop waiting for it at the barrier. */
        private volatile boolean failed;
        private int parts;

        // c(m,n) = [c +] bias + op(a)·op(b), whole tensors (offset 0, rows contiguous)
        void run(MemorySegment c, MemorySegment a, MemorySegment b, MemorySegment bias, int m, int n, int k,
                 boolean transA, boolean transB, boolean accumulate) {
            if (GemmSplitK.applies(m, n, k, bias != null)) {
                splitK.run(c, a, b, m, n, k, transA, transB, accumulate);
                return;
            }
            long flops = 2L * m * n * k;
            int want = (int) Math.min(pool.threads(), Math.max(1, flops / PARALLEL_FLOPS));
            // rows in chunks of at most MC, small enough that each thread gets about four (load balance)
            int rows = (m + 4 * want - 1) / (4 * want);
            int chunk = Math.min(MC, Math.max(MR, (rows + MR - 1) / MR * MR));
            parts = Math.min(want, (m + chunk - 1) / chunk);
            Call call = parts <= 1 ? own[0] : w;
            call.set(c, 0, n, a, 0, transA ? m : k, transA, b, 0, transB ? k : n, transB, bias, 0, m, n, k,
                    accumulate, parts <= 1 ? MC : chunk);
            try {
                if (parts <= 1) {
                    loopNest(call, 0, null);
                } else {
                    panelTickets.set(0);
                    chunkTickets.set(0);
                    arrived.set(0);
                    failed = false;
                    pool.forRange(parts, this);
                }
            } finally {
                call.clear();
            }
        }

        @Override
        public void run(int worker, int begin, int end) {
            try {
                loopNest(w, worker, this);
            } catch (RuntimeException | Error e) {
                failed = true;
                throw e;
            }
        }

        /** Counts this thread in at block {@code blocks - 1}'s barrier and waits for all parts to arrive. */
        void await(int blocks) {
            int target = parts * blocks;
            arrived.incrementAndGet();
            for (int spins = 0; arrived.get() < target; spins++) {
                if (failed) {
                    throw new IllegalStateException("matmul: another thread of this product failed");
                }
                if (spins < 1 << 12) {
                    Thread.onSpinWait();
                } else {
                    // a thread the OS has descheduled holds everyone up: give it the core
                    Thread.yield();
                }
            }
        }
    }
}
