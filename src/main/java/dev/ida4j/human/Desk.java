package dev.ida4j.human;

import dev.ida4j.amplify.DirectModel;
import dev.ida4j.human.journal.Journal;
import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.Overseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Where a person oversees one task, one question after another: it samples each question (with its context, which
 * the person never sees), runs the {@link Session}, and saves every finished transcript to the journal. The page and
 * the terminal both drive one. Sessions run one at a time, since the model and H′ serve one caller at a time.
 */
public final class Desk implements AutoCloseable {
    /** What the model answers with: X of a run, or, with none, the ground truth ({@code model} null). */
    public record Answerer(DirectModel model, String description) {
    }

    private final Task task;
    private final int size;
    private final OversightMode mode;
    private final Answerer answerer;
    private final Function<RandomGenerator, Overseer> assistant;
    private final Journal journal;
    private final Rng rng;
    private Session current;
    private long sessions;

    /**
     * {@code assistant} gives a fresh H′ overseer for each proposal (greedy for a null generator, else sampling);
     * null in human mode. {@code seed} draws the questions, the environment's random answers and H′'s samples.
     */
    public Desk(Task task, int size, OversightMode mode, Answerer answerer,
                Function<RandomGenerator, Overseer> assistant, Journal journal, long seed) {
        if (mode.needsAssistant() && assistant == null) {
            throw new IllegalArgumentException("--mode " + mode.label() + " needs H′, from a run trained in"
                    + " amplification mode (--run DIR)");
        }
        this.task = task;
        this.size = size;
        this.mode = mode;
        this.answerer = answerer;
        this.assistant = assistant;
        this.journal = journal;
        this.rng = new Rng(seed);
    }

    public Task task() {
        return task;
    }

    public int size() {
        return size;
    }

    public OversightMode mode() {
        return mode;
    }

    public Journal journal() {
        return journal;
    }

    /** Who answers the subquestions that are not primitive, in words. */
    public String source() {
        return answerer.description();
    }

    /** How a subanswer from the model is labelled: "model", or "truth" without a run. */
    String answeredBy() {
        return answerer.model() == null ? "truth" : "model";
    }

    DirectModel model(Context context) {
        return answerer.model() == null ? new GroundTruth(task, context) : answerer.model();
    }

    /** H′'s proposal for {@code t}: greedy when {@code sampling} is null. */
    Action propose(Transcript t, RandomGenerator sampling) {
        Action[] out = new Action[1];
        assistant.apply(sampling).next(List.of(t), out);
        return out[0];
    }

    /** The session in progress, starting the first when there is none. */
    public synchronized Session current() throws InterruptedException {
        return current != null ? current : next("first");
    }

    /**
     * Leaves the current question (unsaved, if unfinished) and starts a fresh one; a request id that already
     * started the current one starts nothing (a retried request). Returns once the new question awaits the person.
     */
    public synchronized Session next(String requestId) throws InterruptedException {
        if (current != null) {
            if (current.startedBy().equals(requestId)) {
                return current;
            }
            current.abandon();
        }
        Context context = task.sampleContext(size, rng);
        int[] question = task.sampleQuestion(context, rng);
        current = new Session(this, ++sessions, requestId, context, question, rng.split());
        current.start();
        current.awaitTurn();
        return current;
    }

    /** The newest {@code n} transcripts of the journal, newest first (records it cannot read are left out). */
    public List<TranscriptRecord> history(int n) {
        List<Journal.Entry> entries = journal.entries();
        List<TranscriptRecord> out = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0 && out.size() < n; i--) {
            try {
                out.add(TranscriptRecord.fromJson(entries.get(i).payload()));
            } catch (IllegalArgumentException e) {
                // another program's record: not a transcript to show
            }
        }
        return out;
    }

    /** Leaves the current question; the journal stays open (its owner closes it). */
    @Override
    public synchronized void close() throws InterruptedException {
        if (current != null) {
            current.abandon();
        }
    }
}
