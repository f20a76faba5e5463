package dev.ida4j.task;

/**
 * One task instance: a set of facts, each {@link Task#factLength()} tokens. Each task has its own implementation,
 * which also holds the ground-truth structures (permutation, program, graph, trees) its questions are answered from.
 * Immutable.
 */
public interface Context {
    /** The instance size n it was sampled at (names, variables, strings or vertices). */
    int size();

    /** How many facts it holds, at most {@link Task#factCount(int)} of its size. */
    int factCount();

    /** A copy of fact {@code i}, {@code 0 <= i < factCount()}. */
    int[] fact(int i);
}
