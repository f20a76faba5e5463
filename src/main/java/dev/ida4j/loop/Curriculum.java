package dev.ida4j.loop;

/**
 * The curriculum on instance size: starts small and grows by one name each time the teacher agrees with its
 * training targets often enough. Agreement is averaged over generation batches with a running mean that becomes an
 * EMA of horizon {@code horizon}; promotion needs the average above {@code threshold} after at least
 * {@code minBatches} batches at the current size, and resets the average. Agreement is measured against the
 * targets, never the ground truth (except in the supervised baseline, whose targets are the ground truth).
 */
public final class Curriculum {
    private final int maxSize;
    private final double threshold;
    private final int horizon;
    private final int minBatches;
    private int size;
    private int batches;
    private double agreement;

    public Curriculum(int startSize, int maxSize, double threshold, int horizon, int minBatches) {
        if (startSize > maxSize) {
            throw new IllegalArgumentException("curriculum start size " + startSize + " exceeds its end " + maxSize);
        }
        this.size = startSize;
        this.maxSize = maxSize;
        this.threshold = threshold;
        this.horizon = horizon;
        this.minBatches = minBatches;
    }

    /** The instance size to generate now. */
    public int size() {
        return size;
    }

    public double agreement() {
        return agreement;
    }

    public int batchesAtSize() {
        return batches;
    }

    /** Records one generation batch's agreement; returns true when this promoted the size. */
    public boolean record(double batchAgreement) {
        batches++;
        agreement += (batchAgreement - agreement) / Math.min(batches, horizon);
        if (size < maxSize && batches >= minBatches && agreement > threshold) {
            size++;
            batches = 0;
            agreement = 0;
            return true;
        }
        return false;
    }

    /** Puts back a saved state (for resume). */
    public void restore(int savedSize, int savedBatches, double savedAgreement) {
        this.size = savedSize;
        this.batches = savedBatches;
        this.agreement = savedAgreement;
    }
}
