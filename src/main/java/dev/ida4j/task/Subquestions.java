package dev.ida4j.task;

/** How a {@link Script} asks a subquestion: it passes the subquestion's tokens and gets the subanswer's tokens back. */
@FunctionalInterface
public interface Subquestions {
    /** The subanswer to {@code subquestion}; the caller must not modify either array afterwards. */
    int[] ask(int[] subquestion);
}
