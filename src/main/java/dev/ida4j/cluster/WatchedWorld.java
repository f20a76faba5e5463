package dev.ida4j.cluster;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A world whose collectives are watched: when none has completed on this rank for longer than the timeout, the rank
 * says so on stderr, naming itself and whether it was waiting for the others (one of them is hung or gone) or was
 * busy on its own (this rank is the one behind), and ends its process. The launcher then ends the job (Open MPI's
 * mpirun stops every rank when one exits without MPI_Finalize), so a hung rank never holds a job forever.
 *
 * <p>Only a process's end is safe from the watching thread: MPI calls are made by the training thread alone.
 */
public final class WatchedWorld implements World {
    private final World inner;
    private final long timeoutNanos;
    private final Consumer<String> end;
    private final Thread watcher;
    private volatile long lastProgress = System.nanoTime();
    private volatile String waitingIn;   // the collective this rank is in, or null

    /** Watches {@code inner}, ending the process with exit code 4 after {@code timeout} without a collective. */
    public WatchedWorld(World inner, Duration timeout) {
        this(inner, timeout, message -> {
            System.err.println(message);
            System.err.flush();
            Runtime.getRuntime().halt(4);
        });
    }

    /** As {@link #WatchedWorld(World, Duration)}, telling {@code end} the message instead (tests). */
    WatchedWorld(World inner, Duration timeout, Consumer<String> end) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("rank timeout " + timeout + " must be positive");
        }
        this.inner = inner;
        this.timeoutNanos = timeout.toNanos();
        this.end = end;
        this.watcher = Thread.ofPlatform().daemon().name("ida4j-rank-watchdog").start(this::watch);
    }

    private void watch() {
        long tick = Math.max(1_000_000L, Math.min(1_000_000_000L, timeoutNanos / 10));
        try {
            while (true) {
                Thread.sleep(Duration.ofNanos(tick));
                long idle = System.nanoTime() - lastProgress;
                if (idle > timeoutNanos) {
                    String in = waitingIn;
                    end.accept(String.format(Locale.ROOT, "ida4j: rank %d of %d: %s for %.0f s; ending the job",
                            inner.rank(), inner.size(), in != null ? "waited in " + in + " for the other ranks (one"
                                    + " of them is hung or gone)" : "no collective with the other ranks (this rank"
                                    + " is stuck)", idle / 1e9));
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Runs one collective, marked as such while it waits, and counts its return as progress. */
    private <T> T watched(String op, Supplier<T> collective) {
        waitingIn = op;
        try {
            return collective.get();
        } finally {
            waitingIn = null;
            lastProgress = System.nanoTime();
        }
    }

    @Override
    public int rank() {
        return inner.rank();
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public void sumFloats(MemorySegment floats, long count) {
        watched("a sum of floats", () -> {
            inner.sumFloats(floats, count);
            return null;
        });
    }

    @Override
    public void sum(double[] values) {
        watched("a sum", () -> {
            inner.sum(values);
            return null;
        });
    }

    @Override
    public void sum(long[] values) {
        watched("a sum", () -> {
            inner.sum(values);
            return null;
        });
    }

    @Override
    public byte[][] allgather(byte[] bytes) {
        return watched("an allgather", () -> inner.allgather(bytes));
    }

    @Override
    public void broadcast(byte[] bytes, int root) {
        watched("a broadcast", () -> {
            inner.broadcast(bytes, root);
            return null;
        });
    }

    @Override
    public void barrier() {
        watched("a barrier", () -> {
            inner.barrier();
            return null;
        });
    }

    @Override
    public void abort(int code) {
        inner.abort(code);
    }

    @Override
    public void close() {
        watcher.interrupt();
        inner.close();
    }
}
