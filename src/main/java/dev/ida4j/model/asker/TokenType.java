package dev.ida4j.model.asker;

/**
 * The four roles a transcript token can play; the ordinal is the row of the token-type embedding. H writes
 * subquestions and the main answer (the tokens H′ is trained to predict); the main question and subanswers are given.
 */
public enum TokenType {
    MAIN_QUESTION(false),
    SUBQUESTION(true),
    SUBANSWER(false),
    MAIN_ANSWER(true);

    private final boolean writtenByOverseer;

    TokenType(boolean writtenByOverseer) {
        this.writtenByOverseer = writtenByOverseer;
    }

    /** True for the tokens H writes, the ones the loss counts. */
    public boolean writtenByOverseer() {
        return writtenByOverseer;
    }
}
