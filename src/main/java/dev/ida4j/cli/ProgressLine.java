package dev.ida4j.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar with rate and ETA for long work, redrawn in place on standard error when that is a terminal
 * (at most 5 times a second). Lines printed through {@link #lines()} first clear the bar, so the periodic log lines
 * scroll above it. Off a terminal it draws nothing: the log lines are the progress.
 *
 * <pre>
 * train [##########..........]  50%  1200/2400 steps  8.31 steps/s  ETA 2m24s
 * </pre>
 *
 * (A hand-written line rather than a progress-bar library: those redraw from a thread of their own, which garbles the
 * log lines printed between redraws.)
 */
final class ProgressLine implements AutoCloseable {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 20;

    private final String label;
    private final double total;
    private final String unit;
    private final PrintStream bar;      // null when off a terminal
    private final PrintStream lines;
    private final LongSupplier clock;   // nanoseconds
    private long start;                 // of the first update: the setup before it is not the work's
    private long lastDraw;
    private boolean drawn;
    private double firstDone = Double.NaN;   // where this process started (a resumed run starts part way)
    private long firstCount;

    /**
     * Progress towards {@code total} (in {@code unit}s: steps, or seconds of a time budget) of {@code label}, drawn
     * on standard error when standard output and error are a terminal.
     */
    static ProgressLine start(String label, double total, String unit) {
        boolean terminal = System.console() != null && System.console().isTerminal();
        return new ProgressLine(label, total, unit, terminal ? System.err : null, System.out);
    }

    ProgressLine(String label, double total, String unit, PrintStream bar, PrintStream out) {
        this(label, total, unit, bar, out, System::nanoTime);
    }

    /** As above, timed by {@code clock} (nanoseconds; tests pass their own). */
    ProgressLine(String label, double total, String unit, PrintStream bar, PrintStream out, LongSupplier clock) {
        this.clock = clock;
        this.start = clock.getAsLong();
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.bar = bar;
        this.lines = bar == null ? out : new PrintStream(new ClearingStream(out), true, StandardCharsets.UTF_8);
    }

    /** Standard output for whole lines, which scroll above the bar. */
    PrintStream lines() {
        return lines;
    }

    /**
     * Records progress: {@code done} of the total, and {@code count} things done (steps) for the rate; redraws the
     * bar if it is due. The first update is the baseline that the rate and ETA count from: make it at the start of
     * the work (a resumed run starts part way).
     */
    void update(double done, long count, String countUnit) {
        if (Double.isNaN(firstDone)) {
            firstDone = done;
            firstCount = count;
            start = clock.getAsLong();
        }
        if (bar == null) {
            return;
        }
        long now = clock.getAsLong();
        if (drawn && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        bar.print("\r\033[K" + render(done, count, countUnit, (now - start) / 1e9));
        bar.flush();
    }

    /** The bar's text after {@code seconds} of this process's work (after at least one {@link #update}). */
    String render(double done, long count, String countUnit, double seconds) {
        double fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
        int filled = (int) Math.round(fraction * WIDTH);
        double rate = seconds > 0 ? (count - firstCount) / seconds : 0;
        double progressed = done - firstDone;
        double eta = progressed > 0 ? seconds * (total - done) / progressed : Double.NaN;
        String amount = unit.equals(countUnit)
                ? String.format(Locale.ROOT, "%d/%d %s", count, (long) total, countUnit)
                : String.format(Locale.ROOT, "%d %s, %s of %s", count, countUnit, duration(seconds), duration(total));
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %s  %.2f %s/s  ETA %s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), Math.round(fraction * 100), amount, rate, countUnit, duration(eta));
    }

    static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    @Override
    public void close() {
        if (bar != null && drawn) {
            bar.print("\r\033[K");
            bar.flush();
            drawn = false;
        }
    }

    /** Clears the bar's line before the first byte of each line written. */
    private final class ClearingStream extends OutputStream {
        private final PrintStream out;
        private boolean lineStart = true;

        ClearingStream(PrintStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            if (lineStart && drawn) {
                bar.print("\r\033[K");
                bar.flush();
                drawn = false;   // the next update redraws at once
            }
            out.write(b);
            lineStart = b == '\n';
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}
