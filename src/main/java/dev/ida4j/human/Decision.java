package dev.ida4j.human;

/** What a person decides at their turn, as typed or clicked: checked by the session before it is acted on. */
public sealed interface Decision {
    /** Ask a subquestion, in the task's text form. */
    record Ask(String text) implements Decision {
    }

    /** Give the final answer, in the task's text form. */
    record Answer(String text) implements Decision {
    }

    /** Take H′'s proposal as it is (approval mode). */
    record Approve() implements Decision {
    }

    /** Refuse H′'s proposal; H′ proposes again (approval mode). */
    record Reject() implements Decision {
    }
}
