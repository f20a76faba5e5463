package dev.ida4j.overseer;

import java.util.List;

/**
 * An overseer that decides, for a batch of transcripts at once, each one's next action. An algorithmic H, a learned
 * imitation H′ and a person all stand behind this interface; batching lets a learned one decide in one model call.
 */
public interface Overseer {
    /** A short name for logs and error messages. */
    String name();

    /** How many subquestions a transcript may hold at most. */
    int slots();

    /**
     * Writes into {@code out[i]} the next action for {@code inProgress.get(i)}; none of them may be done or awaiting a
     * subanswer. An {@link Action.Ask} never takes a transcript beyond {@link #slots()} subquestions.
     *
     * @throws IllegalArgumentException if {@code out} is shorter than {@code inProgress}
     * @throws IllegalStateException if a transcript is done or awaits a subanswer
     */
    void next(List<Transcript> inProgress, Action[] out);
}
