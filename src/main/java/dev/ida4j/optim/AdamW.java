package dev.ida4j.optim;

import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorSet;

/**
 * AdamW with global gradient-norm clipping over one parameter block: the moments m and v share the parameters'
 * layout, so a step is one norm reduction and one flat loop. Adam is AdamW with weight decay 0.
 */
public final class AdamW implements AutoCloseable {

    /** Hyperparameters; {@code clip} ≤ 0 disables clipping. */
    public record Settings(float lr, float beta1, float beta2, float eps, float weightDecay, float clip) {
        /** torch.optim.AdamW's defaults with the given learning rate and weight decay, no clipping. */
        public static Settings of(float lr, float weightDecay) {
            return new Settings(lr, 0.9f, 0.999f, 1e-8f, weightDecay, 0f);
        }

        public Settings withClip(float maxNorm) {
            return new Settings(lr, beta1, beta2, eps, weightDecay, maxNorm);
        }

        public Settings withLr(float newLr) {
            return new Settings(newLr, beta1, beta2, eps, weightDecay, clip);
        }
    }

    /** What {@link #tryStep} did: the global gradient norm before clipping, and whether the update was applied. */
    public record StepResult(double norm, boolean applied) {
    }

    private final Backend backend;
    private final TensorArena arena;
    private final TensorSet m;
    private final TensorSet v;
    private Settings settings;
    private int step;

    /** Optimizer state for parameters laid out like {@code params}, on the same backend. */
    public AdamW(Backend backend, TensorSet params, Settings settings) {
        this.backend = backend;
        this.settings = settings;
        this.arena = backend.arena("adamw");
        this.m = arena.allocate("adamw.m", params.layout());
        this.v = arena.allocate("adamw.v", params.layout());
    }

    /**
     * One update of {@code params} from {@code grads}; returns the global gradient norm before clipping.
     * Gradients are not changed (clipping scales them inside the update).
     */
    public double step(TensorSet params, TensorSet grads) {
        double norm = gradientNorm(grads);
        apply(params, grads, norm);
        return norm;
    }

    /**
     * One update unless {@code loss} or the global gradient norm is NaN or infinite: then nothing is written, so the
     * parameters, both moments and the step count keep every bit, and the result says the step was skipped. A norm
     * can be infinite with finite gradients whose squares overflow float (|g| above about 1e19); that also skips.
     */
    public StepResult tryStep(TensorSet params, TensorSet grads, double loss) {
        double norm = gradientNorm(grads);
        if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
            return new StepResult(norm, false);
        }
        apply(params, grads, norm);
        return new StepResult(norm, true);
    }

    private double gradientNorm(TensorSet grads) {
        return Math.sqrt(backend.sumSquares(grads.all(), grads.all().numel()));
    }

    private void apply(TensorSet params, TensorSet grads, double norm) {
        long n = params.all().numel();
        float scale = settings.clip() > 0 && norm > settings.clip() ? (float) (settings.clip() / norm) : 1f;
        step++;
        backend.adamW(params.all(), grads.all(), m.all(), v.all(), settings.lr(), settings.beta1(),
                settings.beta2(), settings.eps(), settings.weightDecay(), scale, step, n);
    }

    /** Steps taken so far. */
    public int steps() {
        return step;
    }

    /** Sets the step count after the moments were loaded from a checkpoint, so bias correction continues. */
    public void restore(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("AdamW step count " + steps + " is negative");
        }
        this.step = steps;
    }

    /** The first moment, laid out like the parameters (tensors named {@code adamw.m.<name>}), for checkpoints. */
    public TensorSet m() {
        return m;
    }

    /** The second moment, laid out like the parameters (tensors named {@code adamw.v.<name>}), for checkpoints. */
    public TensorSet v() {
        return v;
    }

    public Settings settings() {
        return settings;
    }

    /** New hyperparameters from the next step on (a learning-rate schedule, for example). */
    public void settings(Settings s) {
        this.settings = s;
    }

    @Override
    public void close() {
        arena.close();
    }
}
