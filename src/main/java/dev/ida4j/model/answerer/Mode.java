package dev.ida4j.model.answerer;

/**
 * How a forward pass treats BatchNorm and dropout: batch statistics (updating the running ones at this momentum) or
 * the running statistics, and dropout on or off.
 */
record Mode(boolean batchStatistics, boolean dropout, float momentum) {
    /** Training: batch statistics, running statistics updated with horizon 300, dropout on. */
    static final Mode TRAIN = new Mode(true, true, AnswererConfig.BN_MOMENTUM);
    /** Evaluation: running statistics, no dropout. */
    static final Mode EVAL = new Mode(false, false, 0f);
    /** Recalibration: batch statistics copied into the running ones (momentum 1), no dropout. */
    static final Mode CALIBRATE = new Mode(true, false, 1f);
}
