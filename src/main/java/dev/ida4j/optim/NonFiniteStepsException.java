package dev.ida4j.optim;

/**
 * Too many optimizer steps in a row were skipped because the loss or the gradient norm was NaN or infinite: the run
 * has diverged and should stop (and resume, if at all, from its last good checkpoint). Names the last such step.
 */
public final class NonFiniteStepsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long step;
    private final double loss;
    private final double norm;

    NonFiniteStepsException(long step, double loss, double norm, int consecutive) {
        super("step " + step + ": " + consecutive + " optimizer steps in a row skipped for a non-finite loss or"
                + " gradient norm; the last had loss " + loss + " and gradient norm " + norm);
        this.step = step;
        this.loss = loss;
        this.norm = norm;
    }

    public long step() {
        return step;
    }

    public double loss() {
        return loss;
    }

    public double norm() {
        return norm;
    }
}
