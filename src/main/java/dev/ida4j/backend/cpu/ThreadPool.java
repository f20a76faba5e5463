package dev.ida4j.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of {@code threads - 1} workers plus the calling thread, for splitting one kernel call into
 * contiguous ranges. Dispatch allocates nothing (the body is a reusable kernel object, not a capturing lambda),
 * workers spin briefly between calls (kernels come back to back in a training step) and then park, and there is
 * never more than one runnable thread per requested core.
 *
 * <p>Not reentrant: a body must not call {@link #forRange} again. One caller at a time.
 */
public final class ThreadPool implements AutoCloseable {

    /** Work over the index range [begin, end), run by worker {@code worker} (0 is the caller). */
    @FunctionalInterface
    public interface Body {
        void run(int worker, int begin, int end);
    }

    /** Spin iterations before a worker parks; about a millisecond on these machines. */
    private static final int SPIN = 1 << 15;
    /** Spin iterations of the caller waiting for workers before it starts yielding its core. */
    private static final int JOIN_SPIN = 1 << 12;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile boolean running;
    private Body body;
    private int n;
    private int parts;
    private volatile Throwable failure;

    public ThreadPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].thread.start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} over [0, n) split into at most {@code threads} contiguous, near-equal ranges. */
    public void forRange(int n, Body body) {
        forRange(n, 1, body);
    }

    /**
     * As {@link #forRange(int, Body)}, but gives each thread at least {@code grain} indices (small work runs on fewer
     * threads, where waking a worker would cost more than it saves).
     */
    public void forRange(int n, int grain, Body body) {
        int p = Math.min(threads, Math.max(1, n / Math.max(grain, 1)));
        if (p <= 1 || n <= 1) {
            if (n > 0) {
                body.run(0, 0, n);
            }
            return;
        }
        if (running) {
            throw new IllegalStateException("ThreadPool.forRange is not reentrant");
        }
        running = true;
        this.body = body;
        this.n = n;
        this.parts = p;
        // Every worker acknowledges every dispatch (those past the last part with an empty range), so none can
        // miss a generation and then read the fields of the next one.
        pending.set(workers.length);
        generation = generation + 1; // volatile write publishes body, n and parts
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w.thread);
            }
        }
        try {
            body.run(0, 0, n / p);
        } finally {
            awaitWorkers();
            this.body = null;
            running = false;
        }
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("worker failed", f);
        }
    }

    /**
     * Waits for the workers of this dispatch: spins briefly (they usually finish within microseconds of the caller),
     * then yields, so that on a loaded machine a descheduled worker gets the core back instead of the caller burning
     * its whole time slice.
     */
    private void awaitWorkers() {
        for (int i = 0; pending.get() != 0; i++) {
            if (i < JOIN_SPIN) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        generation = generation + 1;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    private final class Worker implements Runnable {
        final int index;
        final Thread thread;
        volatile boolean parked;

        Worker(int index) {
            this.index = index;
            this.thread = Thread.ofPlatform().daemon().name("ida4j-cpu-" + index).unstarted(this);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long g = awaitGeneration(seen);
                seen = g;
                if (closed) {
                    return;
                }
                int p = parts;
                try {
                    if (index < p) {
                        int total = n;
                        body.run(index, (int) ((long) total * index / p), (int) ((long) total * (index + 1) / p));
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    pending.decrementAndGet();
                }
            }
        }

        private long awaitGeneration(long seen) {
            for (int i = 0; i < SPIN; i++) {
                long g = generation;
                if (g != seen) {
                    return g;
                }
                Thread.onSpinWait();
            }
            while (true) {
                parked = true;
                long g = generation;
                if (g != seen) {
                    parked = false;
                    return g;
                }
                LockSupport.park(this);
                parked = false;
                g = generation;
                if (g != seen) {
                    return g;
                }
            }
        }
    }
}
