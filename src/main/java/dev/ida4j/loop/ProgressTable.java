package dev.ida4j.loop;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The rows {@code train} prints, one per log record, as a table that fits 80 columns, its header repeated every
 * {@value #HEADER_EVERY} rows (as {@code vmstat} does) so that it stays in view in a long log:
 *
 * <pre>
 *   step   size    loss  train teacher targets  agree  H′ loss  H calls
 *    250      8  0.4102  0.871   0.802   0.915  0.884   0.0121     3339
 * </pre>
 *
 * The accuracies are those of the last log interval's batches (the student on its training batch, the teacher and
 * the amplified targets on the generated questions, and the curriculum's agreement); {@code size} shows the
 * curriculum's level too ({@code 8 L3}) when it has levels. The H′ loss column is amplification's alone, and H calls
 * are left out of the supervised baseline, which makes none. A "-" marks a figure the interval had no data for (no
 * generation batch ran in it).
 */
final class ProgressTable {
    static final int HEADER_EVERY = 20;
    private static final String HEAD = "%6s %6s %7s %6s %7s %7s %6s";
    private final PrintStream out;
    private final Mode mode;
    private int rows;

    ProgressTable(PrintStream out, Mode mode) {
        this.out = out;
        this.mode = mode;
    }

    /** One row; the header first on the first row and every {@value #HEADER_EVERY} rows after it. */
    void row(long step, int size, int level, double loss, double train, double teacher, double targets, double agree,
             double askerLoss, long overseerCalls) {
        if (rows++ % HEADER_EVERY == 0) {
            out.println(switch (mode) {
                case AMPLIFICATION -> String.format(Locale.ROOT, HEAD + " %8s %8s", "step", "size", "loss", "train",
                        "teacher", "targets", "agree", "H′ loss", "H calls");
                case NOASKER -> String.format(Locale.ROOT, HEAD + " %8s", "step", "size", "loss", "train", "teacher",
                        "targets", "agree", "H calls");
                case SUPERVISED -> String.format(Locale.ROOT, HEAD, "step", "size", "loss", "train", "teacher",
                        "targets", "agree");
            });
        }
        String sizes = level > 0 ? size + " L" + level : Integer.toString(size);
        String row = String.format(Locale.ROOT, "%6d %6s", step, sizes) + cell(7, 4, loss) + cell(6, 3, train)
                + cell(7, 3, teacher) + cell(7, 3, targets) + cell(6, 3, agree);
        out.println(switch (mode) {
            case AMPLIFICATION -> row + cell(8, 4, askerLoss) + String.format(Locale.ROOT, " %8d", overseerCalls);
            case NOASKER -> row + String.format(Locale.ROOT, " %8d", overseerCalls);
            case SUPERVISED -> row;
        });
    }

    /** A space and {@code value} right-aligned in {@code width} columns, or "-" when there was none (NaN). */
    private static String cell(int width, int decimals, double value) {
        return Double.isNaN(value) ? " " + " ".repeat(width - 1) + "-"
                : String.format(Locale.ROOT, " %" + width + "." + decimals + "f", value);
    }
}
