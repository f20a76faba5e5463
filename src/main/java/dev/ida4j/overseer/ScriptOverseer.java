package dev.ida4j.overseer;

import dev.ida4j.task.Script;
import dev.ida4j.task.Subquestions;
import dev.ida4j.task.Task;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Drives a {@link Script} by replay: for each transcript it runs the script from the start, answering its asks from
 * the transcript's recorded subanswers; the first ask beyond them suspends the script and becomes an
 * {@link Action.Ask}, and a returned value becomes an {@link Action.Answer}. No threads and no saved coroutine state:
 * a transcript alone determines the next action, so transcripts can be checkpointed, batched and resumed freely.
 * This costs re-running the script's first steps at every decision (at most {@code slots} asks each, cheap for H).
 *
 * <p>The script must be deterministic given its subanswers: a replay that asks a different subquestion than the one
 * recorded is refused. Stateless, so one instance may serve several threads.
 */
public final class ScriptOverseer implements Overseer {
    private final String name;
    private final int slots;
    private final Script script;
    private final Function<int[], String> describe;

    /** The task's algorithmic overseer, named after the task. */
    public ScriptOverseer(Task task) {
        this(task.name(), task.slots(), task.overseer(), task::questionText);
    }

    /** Any script with at most {@code slots} asks per question; errors show questions as token ids. */
    public ScriptOverseer(String name, int slots, Script script) {
        this(name, slots, script, Arrays::toString);
    }

    private ScriptOverseer(String name, int slots, Script script, Function<int[], String> describe) {
        if (slots < 0) {
            throw new IllegalArgumentException("overseer '" + name + "': slots must be >= 0, got " + slots);
        }
        this.name = name;
        this.slots = slots;
        this.script = script;
        this.describe = describe;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public void next(List<Transcript> inProgress, Action[] out) {
        if (out.length < inProgress.size()) {
            throw new IllegalArgumentException("overseer '" + name + "': " + inProgress.size()
                    + " transcripts but room for " + out.length + " actions");
        }
        for (int i = 0; i < inProgress.size(); i++) {
            out[i] = decide(inProgress.get(i));
        }
    }

    private Action decide(Transcript transcript) {
        if (transcript.isDone() || transcript.awaitingSubanswer()) {
            throw new IllegalStateException("overseer '" + name + "': the transcript of "
                    + describe.apply(transcript.question()) + " is " + (transcript.isDone() ? "done" : "awaiting a subanswer"));
        }
        int[] question = transcript.question();
        Replay replay = new Replay(transcript);
        int[] answer;
        try {
            answer = script.answer(question, replay);
        } catch (Suspend suspended) {
            if (transcript.asked() >= slots) {
                throw new IllegalStateException("overseer '" + name + "' asked more than its " + slots
                        + " subquestions on " + describe.apply(question));
            }
            return new Action.Ask(replay.pending);
        }
        if (answer == null) {
            throw new IllegalStateException("overseer '" + name + "' returned no answer to " + describe.apply(question));
        }
        return new Action.Answer(answer.clone());
    }

    /** Answers asks from the recorded subanswers, then suspends the script at the first new ask. */
    private final class Replay implements Subquestions {
        private final Transcript transcript;
        private int next;
        private int[] pending;

        Replay(Transcript transcript) {
            this.transcript = transcript;
        }

        @Override
        public int[] ask(int[] subquestion) {
            if (next < transcript.asked()) {
                if (!Arrays.equals(subquestion, transcript.subquestion(next))) {
                    throw new IllegalStateException("overseer '" + name + "' is not deterministic: on "
                            + describe.apply(transcript.question()) + " it asked " + describe.apply(subquestion)
                            + " where the transcript recorded " + describe.apply(transcript.subquestion(next)));
                }
                return transcript.subanswer(next++);
            }
            pending = subquestion.clone();
            throw Suspend.INSTANCE;
        }
    }

    /** Unwinds a suspended script; shared and stackless, since it carries nothing and is thrown at every decision. */
    private static final class Suspend extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Suspend INSTANCE = new Suspend();

        private Suspend() {
            super("script suspended at a new ask", null, false, false);
        }
    }
}
