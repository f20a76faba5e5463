package dev.ida4j.human;

/**
 * A decision the session will not act on, with the reason to show the person: a malformed subquestion (the task
 * parser's message), or a decision that does not fit now ({@link #conflict()}: not their turn, wrong mode).
 */
public final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean conflict;

    Refusal(String message, boolean conflict) {
        super(message, null, false, false);
        this.conflict = conflict;
    }

    /** True when the decision is well-formed but does not fit the session's state. */
    public boolean conflict() {
        return conflict;
    }
}
