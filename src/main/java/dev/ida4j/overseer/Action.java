package dev.ida4j.overseer;

/** One decision of an overseer about one transcript: ask a subquestion, or give the final answer. */
public sealed interface Action {
    /** Ask {@code subquestion} next. */
    record Ask(int[] subquestion) implements Action {
    }

    /** The transcript's question is answered by {@code answer}. */
    record Answer(int[] answer) implements Action {
    }
}
