package dev.ida4j.task;

import java.util.random.RandomGenerator;

/**
 * A question-answering task for amplification: contexts (sets of facts), a distribution of top-level questions,
 * primitive questions that the environment answers from one fact, ground truth, and the algorithmic overseer H.
 *
 * <p>Facts, questions and answers are fixed-length token arrays over {@link #vocabulary()}; token 0 is {@code ?}
 * (blank, "I don't know"), and an all-zero array is a blank, allowed as padding. The text form of each is the public
 * one in {@code TASKS.md}; arrays that are neither blank nor well-formed render as their raw tokens in brackets
 * (e.g. {@code [a ? dist]}), which no parser accepts.
 *
 * <p>Implementations must be stateless and thread-safe; every random choice comes from the generator passed in, so a
 * seeded generator reproduces a run. Add a task of your own through {@code META-INF/services/dev.ida4j.task.Task}
 * (see {@link Tasks}).
 */
public interface Task {
    /** The registry name, lower case with dashes, e.g. {@code "permutation-powering"}. */
    String name();

    Vocabulary vocabulary();

    int factLength();

    int questionLength();

    int answerLength();

    /** How many subquestions the algorithmic overseer may ask per question. */
    int slots();

    /**
     * The most facts a context of {@code size} can hold.
     *
     * @throws IllegalArgumentException if {@code size} is outside 2..64
     */
    int factCount(int size);

    /**
     * A random context with {@code size} elements.
     *
     * @throws IllegalArgumentException if {@code size} is outside 2..64
     */
    Context sampleContext(int size, RandomGenerator rng);

    /** A random top-level question about {@code context}, from the task's question distribution; never primitive. */
    int[] sampleQuestion(Context context, RandomGenerator rng);

    /**
     * The level of {@code question} as the overseer H sees it, from the question alone: 1 when every subquestion H
     * asks about it is primitive, one more for each level of subquestions below that (permutation powering: the bits
     * of k less one; wildcard search: the wildcards). 0 for a primitive or malformed question, and for every question
     * of a task whose questions do not show their level (the default). A curriculum may draw the low levels first:
     * it then uses nothing that H could not see.
     */
    default int level(int[] question) {
        return 0;
    }

    /** The highest {@link #level} of a top-level question; 0 for a task whose questions show none (the default). */
    default int levels() {
        return 0;
    }

    /**
     * How deep {@code question} is, by the ground truth of {@code context}: the {@link #level} where the question shows
     * it (the default), else the task's own measure of the chain of steps the answer rests on (sequential assignments:
     * the variable's depth plus one; shortest path: the distance, 3 for every farther or unreachable pair; union-find:
     * the name's depth in its tree plus one). Between 1 and {@link #difficulties} for a top-level question. The
     * supervised baseline may climb it; amplification may not, since H cannot see it.
     */
    default int difficulty(Context context, int[] question) {
        return level(question);
    }

    /** The highest {@link #difficulty} a top-level question about a context of {@code size} can have. */
    default int difficulties(int size) {
        return levels();
    }

    /** Whether {@code question} is well-formed and answered by the environment rather than by a model. */
    boolean isPrimitive(int[] question);

    /**
     * The environment's answer to a primitive question (a random neighbour draws from {@code rng}).
     *
     * @throws IllegalArgumentException if the question is not primitive
     */
    int[] answerPrimitive(Context context, int[] question, RandomGenerator rng);

    /**
     * The ground-truth answer, recomputed from the context's own structures: for a question with several valid
     * answers, the canonical one (the alphabetically first name); {@code ?} for a malformed question or one about a
     * name the context lacks.
     */
    int[] truth(Context context, int[] question);

    /** Whether {@code answer} is right: an exact match of the truth, or validity where several answers are valid. */
    boolean isCorrect(Context context, int[] question, int[] answer);

    /**
     * The metric class of a question, e.g. {@code "bits3"}, {@code "depth2"}, {@code "dist3-4"}.
     *
     * @throws IllegalArgumentException if the question is malformed
     */
    String questionClass(Context context, int[] question);

    /**
     * A uniformly random well-formed answer of the type {@code question} expects, for error injection.
     *
     * @throws IllegalArgumentException if the question is malformed
     */
    int[] randomAnswer(int[] question, RandomGenerator rng);

    /** The algorithmic overseer H; it sees only questions and subanswers. */
    Script overseer();

    String factText(int[] fact);

    String questionText(int[] question);

    String answerText(int[] answer);

    /**
     * The question that {@link #questionText} writes as {@code text} ({@code ?} is the blank question).
     *
     * @throws IllegalArgumentException naming the text, if it is not a question of this task
     */
    int[] parseQuestion(String text);

    /**
     * The answer that {@link #answerText} writes as {@code text}.
     *
     * @throws IllegalArgumentException naming the text, if it is not an answer of this task
     */
    int[] parseAnswer(String text);
}
