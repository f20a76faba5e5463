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
        long n = params.all().numel();
        double norm = Math.sqrt(backend.sumSquares(grads.all(), n));
        float scale = settings.clip() > 0 && norm > settings.clip() ? (float) (settings.clip() / norm) : 1f;
        step++;
        backend.adamW(params.all(), grads.all(), m.all(), v.all(), settings.lr(), settings.beta1(),
                settings.beta2(), settings.eps(), settings.weightDecay(), scale, step, n);
        return norm;
    }

    /** Steps taken so far. */
    public int steps() {
        return step;
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
