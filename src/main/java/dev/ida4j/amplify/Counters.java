package dev.ida4j.amplify;

/** What amplification has cost so far: overseer decisions, model calls, the questions they answered. */
public final class Counters {
    long overseerDecisions;
    long modelCalls;
    long modelQuestions;
    long primitiveAnswers;
    long rounds;
    long encodedContexts;
    long abstentions;

    /** Decisions taken by the overseer: one per subquestion asked and one per final answer. */
    public long overseerDecisions() {
        return overseerDecisions;
    }

    /** Batched calls to the model ({@link DirectModel#answer}). */
    public long modelCalls() {
        return modelCalls;
    }

    /** Questions the model answered (padding excluded). */
    public long modelQuestions() {
        return modelQuestions;
    }

    /** Subquestions answered by the environment (primitive questions). */
    public long primitiveAnswers() {
        return primitiveAnswers;
    }

    /** Lock-step rounds, over all depths. */
    public long rounds() {
        return rounds;
    }

    /** Contexts encoded (each once per amplified batch, whatever the number of rounds). */
    public long encodedContexts() {
        return encodedContexts;
    }

    /** The model's subanswers turned into {@code ?} because it was unsure of them. */
    public long abstentions() {
        return abstentions;
    }

    /** Puts back saved counts (for resume), in the order of the accessors above. */
    public void restore(long decisions, long calls, long questions, long primitives, long roundCount,
                        long contexts, long abstained) {
        overseerDecisions = decisions;
        modelCalls = calls;
        modelQuestions = questions;
        primitiveAnswers = primitives;
        rounds = roundCount;
        encodedContexts = contexts;
        abstentions = abstained;
    }

    /** Adds {@code other}'s counts to these (a worker's costs, merged by the thread that logs them). */
    public void add(Counters other) {
        overseerDecisions += other.overseerDecisions;
        modelCalls += other.modelCalls;
        modelQuestions += other.modelQuestions;
        primitiveAnswers += other.primitiveAnswers;
        rounds += other.rounds;
        encodedContexts += other.encodedContexts;
        abstentions += other.abstentions;
    }

    /** A copy of these counts, which are then zeroed (what a worker hands over after each batch). */
    public Counters drain() {
        Counters copy = new Counters();
        copy.add(this);
        restore(0, 0, 0, 0, 0, 0, 0);
        return copy;
    }
}
