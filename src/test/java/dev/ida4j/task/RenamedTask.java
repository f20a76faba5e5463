package dev.ida4j.task;

import java.util.random.RandomGenerator;

/** A task from outside the engine, found through META-INF/services in the test resources: wildcard search renamed. */
public final class RenamedTask implements Task {
    private final Task inner = new WildcardSearch();

    @Override public String name() { return "test-renamed-wildcard-search"; }
    @Override public Vocabulary vocabulary() { return inner.vocabulary(); }
    @Override public int factLength() { return inner.factLength(); }
    @Override public int questionLength() { return inner.questionLength(); }
    @Override public int answerLength() { return inner.answerLength(); }
    @Override public int slots() { return inner.slots(); }
    @Override public int factCount(int size) { return inner.factCount(size); }
    @Override public Context sampleContext(int size, RandomGenerator rng) { return inner.sampleContext(size, rng); }
    @Override public int[] sampleQuestion(Context c, RandomGenerator rng) { return inner.sampleQuestion(c, rng); }
    @Override public boolean isPrimitive(int[] q) { return inner.isPrimitive(q); }
    @Override public int[] answerPrimitive(Context c, int[] q, RandomGenerator rng) { return inner.answerPrimitive(c, q, rng); }
    @Override public int[] truth(Context c, int[] q) { return inner.truth(c, q); }
    @Override public boolean isCorrect(Context c, int[] q, int[] a) { return inner.isCorrect(c, q, a); }
    @Override public String questionClass(Context c, int[] q) { return inner.questionClass(c, q); }
    @Override public int[] randomAnswer(int[] q, RandomGenerator rng) { return inner.randomAnswer(q, rng); }
    @Override public Script overseer() { return inner.overseer(); }
    @Override public String factText(int[] f) { return inner.factText(f); }
    @Override public String questionText(int[] q) { return inner.questionText(q); }
    @Override public String answerText(int[] a) { return inner.answerText(a); }
    @Override public int[] parseQuestion(String text) { return inner.parseQuestion(text); }
    @Override public int[] parseAnswer(String text) { return inner.parseAnswer(text); }
}
