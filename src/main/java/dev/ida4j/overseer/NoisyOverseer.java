package dev.ida4j.overseer;

import dev.ida4j.task.Task;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Error injection for an overseer: with probability {@code p} each final answer of the inner overseer is replaced,
 * half of those times by a random well-formed answer ({@link Task#randomAnswer}) and half by {@code ?} (all zeros).
 * Subquestions pass through untouched; corrupting subanswers is the amplifier's business.
 *
 * <p>Not thread-safe (it draws from one generator).
 */
public final class NoisyOverseer implements Overseer {
    private final Overseer inner;
    private final Task task;
    private final double p;
    private final RandomGenerator rng;

    public NoisyOverseer(Overseer inner, Task task, double p, RandomGenerator rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("noise probability must be in [0, 1], got " + p);
        }
        this.inner = inner;
        this.task = task;
        this.p = p;
        this.rng = rng;
    }

    @Override
    public String name() {
        return inner.name() + "+noise" + p;
    }

    @Override
    public int slots() {
        return inner.slots();
    }

    @Override
    public void next(List<Transcript> inProgress, Action[] out) {
        inner.next(inProgress, out);
        for (int i = 0; i < inProgress.size(); i++) {
            if (out[i] instanceof Action.Answer && rng.nextDouble() < p) {
                out[i] = new Action.Answer(rng.nextBoolean()
                        ? task.randomAnswer(inProgress.get(i).question(), rng)
                        : new int[task.answerLength()]);
            }
        }
    }
}
