package dev.ida4j.task;

/** What every built-in task states once: its name, vocabulary, token lengths and H's subquestion slots. */
abstract class BuiltInTask implements Task {
    private final String name;
    private final Vocabulary vocabulary;
    private final int factLength;
    private final int questionLength;
    private final int answerLength;
    private final int slots;

    BuiltInTask(String name, Vocabulary vocabulary, int factLength, int questionLength, int answerLength, int slots) {
        this.name = name;
        this.vocabulary = vocabulary;
        this.factLength = factLength;
        this.questionLength = questionLength;
        this.answerLength = answerLength;
        this.slots = slots;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public final int factLength() {
        return factLength;
    }

    @Override
    public final int questionLength() {
        return questionLength;
    }

    @Override
    public final int answerLength() {
        return answerLength;
    }

    @Override
    public final int slots() {
        return slots;
    }
}
