package dev.ida4j.task;

/**
 * The algorithmic overseer H of one task, written as straight-line code: ask this, get that, ..., return the answer.
 *
 * <p>A script sees only the question and its subanswers, never the facts. It must be deterministic given the
 * subanswers it receives (no randomness, no state kept between calls), because the overseer that runs it
 * ({@code dev.ida4j.overseer.ScriptOverseer}) replays it from the start at every decision, and it must not catch the
 * {@code RuntimeException} that {@link Subquestions#ask} may throw to suspend it. When a subanswer is malformed (not
 * the type the script expects) it answers {@code ?} (all zeros).
 */
@FunctionalInterface
public interface Script {
    /** The answer to {@code question}, asking subquestions through {@code ask}. */
    int[] answer(int[] question, Subquestions ask);
}
