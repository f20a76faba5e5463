package dev.ida4j.optim;

/**
 * Tolerates a few optimizer steps skipped for a non-finite loss or gradient norm ({@link AdamW#tryStep}), as large
 * runs do (PaLM, OPT, llm.c), but stops a run that keeps producing them: the training loop reports each step's
 * outcome, and the {@code maxConsecutive}-th skip in a row throws {@link NonFiniteStepsException}. A step that was
 * applied resets the count. Both counters belong in a checkpoint's state ({@link #restore}).
 */
public final class NonFiniteGuard {
    private final int maxConsecutive;
    private int consecutive;
    private long skipped;

    /** A guard that throws on the {@code maxConsecutive}-th skipped step in a row (1 throws on the first). */
    public NonFiniteGuard(int maxConsecutive) {
        if (maxConsecutive < 1) {
            throw new IllegalArgumentException("maxConsecutive " + maxConsecutive + " must be at least 1");
        }
        this.maxConsecutive = maxConsecutive;
    }

    /**
     * Records the outcome of {@code step} (its loss, and what {@link AdamW#tryStep} returned); returns whether the
     * update was applied.
     *
     * @throws NonFiniteStepsException when this is the {@code maxConsecutive}-th skipped step in a row
     */
    public boolean check(long step, double loss, AdamW.StepResult result) {
        if (result.applied()) {
            consecutive = 0;
            return true;
        }
        consecutive++;
        skipped++;
        if (consecutive >= maxConsecutive) {
            throw new NonFiniteStepsException(step, loss, result.norm(), consecutive);
        }
        return false;
    }

    /** Skipped steps since the last applied one. */
    public int consecutive() {
        return consecutive;
    }

    /** Skipped steps in the whole run. */
    public long skipped() {
        return skipped;
    }

    /** Puts back counters saved in a checkpoint. */
    public void restore(int consecutiveSkips, long totalSkips) {
        if (consecutiveSkips < 0 || totalSkips < consecutiveSkips) {
            throw new IllegalArgumentException("non-finite guard counters " + consecutiveSkips + " consecutive, "
                    + totalSkips + " in all are inconsistent");
        }
        this.consecutive = consecutiveSkips;
        this.skipped = totalSkips;
    }
}
