package dev.ida4j.loop;

import dev.ida4j.task.Context;
import dev.ida4j.task.Task;

/**
 * The curriculum: what a generation batch draws. It grows along two axes, one step at a time, each time the teacher
 * agrees with its training targets often enough:
 * <ol>
 *   <li>the level of the questions, for a task whose questions show it to the overseer ({@code Task.level}: the bits
 *   of k, the wildcards), or, for the supervised baseline, their difficulty by the ground truth
 *   ({@code Task.difficulty}): levels 1..L are drawn, and only the newest level's agreement counts (a level no
 *   question of a batch has is passed over); after the highest level, every question is drawn and counts;</li>
 *   <li>then the instance size, by one name at a time.</li>
 * </ol>
 * Agreement leaves out the questions whose target is the batch's commonest ({@link Agreement#withoutModal}), so that a
 * teacher giving the commonest answer to everything cannot win a promotion. It is averaged over generation batches with
 * a running mean that becomes an EMA of horizon {@code horizon}; promotion needs the average above {@code threshold}
 * after at least {@code minBatches} batches at the current step, and resets the average. Agreement is measured against
 * the targets, never the ground truth (except in the supervised baseline, whose targets are the ground truth).
 */
public final class Curriculum {
    /**
     * What to draw: contexts of {@code size}; questions of levels 1..{@code level}, or every question when 0; levels
     * by the ground truth's difficulty when {@code byDifficulty}, else as H sees them.
     */
    public record Draw(int size, int level, boolean byDifficulty) {
        /** Every question of contexts of {@code size}. */
        public static Draw all(int size) {
            return new Draw(size, 0, false);
        }

        /** The level of {@code question} about {@code context} as this draw counts levels. */
        int levelOf(Task task, Context context, int[] question) {
            return byDifficulty ? task.difficulty(context, question) : task.level(question);
        }
    }

    private final int maxSize;
    private final int levels;
    private final boolean byDifficulty;
    private final double threshold;
    private final int horizon;
    private final int minBatches;
    private int size;
    private int level;
    private int batches;
    private double agreement;

    /**
     * {@code levels}: the highest question level, or 0 to draw every question from the start; {@code byDifficulty}:
     * levels are the ground truth's difficulty, not what H sees.
     */
    public Curriculum(int startSize, int maxSize, int levels, boolean byDifficulty, double threshold, int horizon,
                      int minBatches) {
        if (startSize > maxSize) {
            throw new IllegalArgumentException("curriculum start size " + startSize + " exceeds its end " + maxSize);
        }
        this.size = startSize;
        this.maxSize = maxSize;
        this.levels = levels;
        this.level = levels > 0 ? 1 : 0;
        this.byDifficulty = byDifficulty;
        this.threshold = threshold;
        this.horizon = horizon;
        this.minBatches = minBatches;
    }

    /** The instance size to generate now. */
    public int size() {
        return size;
    }

    /** The highest question level drawn now, or 0 when every question is. */
    public int level() {
        return level;
    }

    public Draw draw() {
        return new Draw(size, level, byDifficulty);
    }

    public double agreement() {
        return agreement;
    }

    public int batches() {
        return batches;
    }

    /**
     * Records one generation batch's agreement on the questions that count, NaN when it had none (then the newest
     * level is passed over); returns true when this promoted.
     */
    public boolean record(double batchAgreement) {
        if (Double.isNaN(batchAgreement)) {
            if (level == 0) {
                return false;
            }
        } else {
            batches++;
            agreement += (batchAgreement - agreement) / Math.min(batches, horizon);
            if (batches < minBatches || !(agreement > threshold) || (level == 0 && size == maxSize)) {
                return false;
            }
        }
        if (level > 0) {
            level = level < levels ? level + 1 : 0;
        } else {
            size++;
        }
        batches = 0;
        agreement = 0;
        return true;
    }

    /** Puts back a saved state (for resume). */
    public void restore(int savedSize, int savedLevel, int savedBatches, double savedAgreement) {
        if (savedLevel < 0 || savedLevel > levels) {
            throw new IllegalArgumentException("saved curriculum level " + savedLevel + " is outside 0.." + levels);
        }
        this.size = savedSize;
        this.level = savedLevel;
        this.batches = savedBatches;
        this.agreement = savedAgreement;
    }
}
