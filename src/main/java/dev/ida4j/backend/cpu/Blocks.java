package dev.ida4j.backend.cpu;

/**
 * Runs a flat kernel over [0, n) in blocks of {@link #BLOCK} elements: the pool splits the blocks over its threads,
 * and each thread calls the kernel once per block, with the block's length as an int.
 *
 * <p>Why a block at a time: with one loop and a long index over a thread's whole range, C2 (JDK 25) kept failing a
 * profiled loop predicate in the GELU backward and AdamW kernels, about once a second for the whole run:
 * deoptimise, run in tier 3, recompile. That cost the tiny-gpt step 10-40 % and made its time drift. A loop with an
 * int bound of at most BLOCK compiles once and stays compiled.
 */
final class Blocks implements ThreadPool.Body {
    /** Elements per unit of parallel work (a multiple of every vector length, so only the last block has a tail). */
    static final int BLOCK = 1 << 12;
    /** Blocks per thread at least (32K elements, tens of microseconds) so that a wake-up pays for itself. */
    static final int GRAIN = 8;

    /** A kernel's work on elements [base, base + len) of its tensors, len ≤ BLOCK, run by pool thread worker. */
    @FunctionalInterface
    interface Kernel {
        void run(int worker, long base, int len);
    }

    private final ThreadPool pool;
    private final Kernel kernel;
    private long n;

    Blocks(ThreadPool pool, Kernel kernel) {
        this.pool = pool;
        this.kernel = kernel;
    }

    /** Blocks covering n elements. */
    static int count(long n) {
        return Math.toIntExact((n + BLOCK - 1) / BLOCK);
    }

    /** Runs the kernel over [0, n); the kernel's other arguments must be set before. */
    void run(long elements) {
        this.n = elements;
        pool.forRange(count(elements), GRAIN, this);
    }

    @Override
    public void run(int worker, int begin, int end) {
        long total = n;
        for (int blk = begin; blk < end; blk++) {
            long base = (long) blk * BLOCK;
            kernel.run(worker, base, (int) Math.min(BLOCK, total - base));
        }
    }
}
