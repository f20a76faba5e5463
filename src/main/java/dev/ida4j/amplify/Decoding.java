package dev.ida4j.amplify;

/** How the model answers the subquestions of Amplify(model) (its direct answers take an rng or null instead). */
public enum Decoding {
    /** Every subanswer is a sample from the model's distribution, as in the reference. */
    SAMPLED,
    /** Every subanswer is the model's most likely answer: batched and one-at-a-time evaluation agree exactly. */
    GREEDY,
    /**
     * The most likely answer, except for a subquestion its transcript has asked before, which gets a fresh sample
     * (at depth 1). An overseer asks again only to get another answer, as H's "propose twice, keep the best" steps
     * of shortest path and union-find do; under {@link #GREEDY} the model would only repeat itself.
     */
    GREEDY_FRESH_REPEATS
}
