package dev.ida4j.human;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.amplify.Counters;
import dev.ida4j.amplify.Decoding;
import dev.ida4j.human.journal.Journal;
import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import dev.ida4j.task.Vocabulary;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One question overseen by a person. The amplifier runs Amplify^person(model) at depth 1 on a thread of its own,
 * with a {@link HumanOverseer} whose decisions come from {@link #act}: each call hands the person's checked decision
 * to that thread and waits until the subanswer is in (or the transcript is finished and saved). The finished
 * transcript goes to the journal under the id of the request that gave the answer; a failed save can be retried.
 *
 * <p>Requests are idempotent: a request id already acted on returns the current view and changes nothing. All state
 * is guarded by this object's monitor; the transcript itself is only touched by the amplifier's thread, and what
 * the person sees is a copy taken at each turn.
 */
public final class Session {
    /** Where a session stands. */
    public enum Phase { THINKING, YOUR_TURN, ANSWERED, SAVED, SAVE_FAILED, ABANDONED, FAILED }

    /** One subquestion as the person sees it: subanswer null while pending; by: environment, model, truth, blank. */
    public record Step(String subquestion, String subanswer, String by) {
    }

    /** What the person sees of the session. */
    public record View(long number, String question, int slots, List<Step> steps, Phase phase, String proposal,
                       String proposalKind, List<String> rejected, String answer, String truth, Boolean correct,
                       Integer record, String error) {
    }

    private static final long TURN_TIMEOUT_S = 120;

    private record Choice(Action action, String verdict) {
        static final Choice REJECT = new Choice(null, "rejected");
    }

    private record Note(String proposed, String verdict, List<String> rejected) {
    }

    /** Unwinds the amplifier's thread when the person leaves the question. */
    private static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("the question was left", null, false, false);
        }
    }

    private final Desk desk;
    private final Task task;
    private final long number;
    private final String startedBy;
    private final Context context;
    private final int[] question;
    private final Rng rng;
    private final String started = Instant.now().toString();
    private final Set<String> handled = new HashSet<>();
    private final List<Note> notes = new ArrayList<>();
    private Thread thread;
    private Phase phase = Phase.THINKING;
    private List<Step> steps = List.of();
    private Action proposal;
    private List<String> rejected = List.of();
    private Choice choice;
    private boolean abandoned;
    private String answerId;
    private TranscriptRecord record;
    private Journal.Receipt receipt;
    private String error;

    Session(Desk desk, long number, String startedBy, Context context, int[] question, Rng rng) {
        this.desk = desk;
        this.task = desk.task();
        this.number = number;
        this.startedBy = startedBy;
        this.context = context;
        this.question = question.clone();
        this.rng = rng;
    }

    void start() {
        thread = Thread.ofVirtual().name("oversee-" + number).start(this::run);
    }

    String startedBy() {
        return startedBy;
    }

    private void run() {
        try {
            Amplifier amplifier = new Amplifier(task, desk.model(context), new Counters(), 0);
            HumanOverseer person = new HumanOverseer("person", task.slots(), this::decide);
            Transcript t = amplifier.amplify(List.of(context), List.of(List.of(question)), person, 1, rng,
                    Decoding.GREEDY_FRESH_REPEATS).getFirst().getFirst();
            synchronized (this) {
                steps = snapshot(t);
                Note last = notes.getLast();
                int[] answer = t.answer();
                List<TranscriptRecord.Step> rs = new ArrayList<>();
                for (int i = 0; i < steps.size(); i++) {
                    Step s = steps.get(i);
                    Note n = notes.get(i);
                    rs.add(new TranscriptRecord.Step(s.subquestion(), s.subanswer(), s.by(), n.proposed(),
                            n.verdict(), n.rejected()));
                }
                List<String> facts = new ArrayList<>();
                for (int f = 0; f < context.factCount(); f++) {
                    facts.add(task.factText(context.fact(f)));
                }
                record = new TranscriptRecord(answerId, task.name(), context.size(), desk.mode().label(),
                        desk.source(), facts, task.questionText(question), rs, task.answerText(answer),
                        last.proposed(), last.verdict(), last.rejected(), task.answerText(task.truth(context, question)),
                        task.isCorrect(context, question, answer), started, Instant.now().toString());
                phase = Phase.ANSWERED;
                notifyAll();
            }
        } catch (Abandoned a) {
            finish(Phase.ABANDONED, null);
        } catch (RuntimeException e) {
            finish(Phase.FAILED, "the session failed: " + e);
        }
    }

    private synchronized void finish(Phase p, String message) {
        phase = p;
        error = message;
        notifyAll();
    }

    /** The person's next action for {@code t}; runs on the amplifier's thread and waits for {@link #act}. */
    private Action decide(Transcript t) {
        List<String> refused = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            Action proposed = desk.mode().needsAssistant() ? desk.propose(t, attempt == 0 ? null : rng) : null;
            Choice c = await(t, proposed, refused);
            if (c == Choice.REJECT) {
                refused.add(describe(proposed));
                continue;
            }
            synchronized (this) {
                notes.add(new Note(proposed == null ? null : describe(proposed), c.verdict(), List.copyOf(refused)));
            }
            return c.action();
        }
    }

    private synchronized Choice await(Transcript t, Action proposed, List<String> refused) {
        steps = snapshot(t);
        proposal = proposed;
        rejected = List.copyOf(refused);
        phase = Phase.YOUR_TURN;
        notifyAll();
        try {
            while (choice == null) {
                if (abandoned) {
                    throw new Abandoned();
                }
                wait();
            }
        } catch (InterruptedException e) {
            throw new Abandoned();
        }
        Choice c = choice;
        choice = null;
        proposal = null;
        phase = Phase.THINKING;
        return c;
    }

    /**
     * Acts on the person's decision, given with a request id (a retried request is acted on once), and returns the
     * view once the session has moved on: the subanswer is in, or the answer is saved (or its save failed: the view
     * says why, and an answer sent again retries it).
     *
     * @throws Refusal if the decision is malformed or does not fit the session's state now
     */
    public synchronized View act(String requestId, Decision decision) throws Refusal {
        if (phase == Phase.SAVE_FAILED && decision instanceof Decision.Answer) {
            save();
            return view();
        }
        if (handled.contains(requestId)) {
            return view();
        }
        if (phase != Phase.YOUR_TURN) {
            throw new Refusal(switch (phase) {
                case THINKING -> "wait: the last decision is still being answered";
                case ANSWERED, SAVED -> "this question is answered: ask for the next one";
                default -> "this question is over (" + phase.name().toLowerCase(Locale.ROOT)
                        + "): ask for the next one";
            }, true);
        }
        Choice c = choose(decision);
        handled.add(requestId);
        if (c.action() instanceof Action.Answer) {
            answerId = requestId;
        }
        choice = c;
        phase = Phase.THINKING;
        notifyAll();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TURN_TIMEOUT_S);
        try {
            while (phase == Phase.THINKING) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new Refusal("no subanswer after " + TURN_TIMEOUT_S + " s; try again later", true);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal("interrupted while waiting for the subanswer", true);
        }
        if (phase == Phase.ANSWERED) {
            save();
        }
        return view();
    }

    private Choice choose(Decision decision) throws Refusal {
        OversightMode mode = desk.mode();
        boolean approval = mode == OversightMode.APPROVAL;
        return switch (decision) {
            case Decision.Ask a -> {
                if (approval) {
                    throw new Refusal("in approval mode you approve or reject H′'s proposals", true);
                }
                if (steps.size() >= task.slots()) {
                    throw new Refusal("all " + task.slots() + " subquestions are asked: give the answer", false);
                }
                yield typed(new Action.Ask(parse(a.text(), true)));
            }
            case Decision.Answer a -> {
                if (approval) {
                    throw new Refusal("in approval mode you approve or reject H′'s proposals", true);
                }
                yield typed(new Action.Answer(parse(a.text(), false)));
            }
            case Decision.Approve ignored -> {
                if (!approval || proposal == null) {
                    throw new Refusal("there is no proposal of H′ to approve in " + mode.label() + " mode", true);
                }
                yield new Choice(proposal, "approved");
            }
            case Decision.Reject ignored -> {
                if (!approval || proposal == null) {
                    throw new Refusal("there is no proposal of H′ to reject in " + mode.label() + " mode", true);
                }
                yield Choice.REJECT;
            }
        };
    }

    private Choice typed(Action a) {
        if (desk.mode() == OversightMode.HUMAN) {
            return new Choice(a, "typed");
        }
        return new Choice(a, proposal != null && describe(proposal).equals(describe(a)) ? "accepted" : "edited");
    }

    private int[] parse(String text, boolean isQuestion) throws Refusal {
        if (text == null || text.isBlank()) {
            throw new Refusal("type " + (isQuestion ? "a subquestion" : "an answer") + " first", false);
        }
        try {
            return isQuestion ? task.parseQuestion(text) : task.parseAnswer(text);
        } catch (IllegalArgumentException e) {
            throw new Refusal(e.getMessage(), false);
        }
    }

    private void save() {
        try {
            receipt = desk.journal().append(answerId, record.toJson());
            phase = Phase.SAVED;
            error = null;
        } catch (IOException | IllegalArgumentException e) {
            phase = Phase.SAVE_FAILED;
            error = "not saved: " + e.getMessage();
        }
    }

    /** Leaves the question: the amplifier's thread unwinds at its next turn. Waits for it to end. */
    void abandon() throws InterruptedException {
        Thread t;
        synchronized (this) {
            abandoned = true;
            notifyAll();
            t = thread;
        }
        if (t != null && !t.join(Duration.ofSeconds(TURN_TIMEOUT_S))) {
            throw new IllegalStateException("session " + number + " did not stop within " + TURN_TIMEOUT_S + " s");
        }
    }

    /** Waits until it is the person's turn or the session is over (a new session starts thinking). */
    synchronized View awaitTurn() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TURN_TIMEOUT_S);
        while (phase == Phase.THINKING && System.nanoTime() < deadline) {
            TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
        }
        return view();
    }

    public synchronized boolean isOver() {
        return phase == Phase.SAVED || phase == Phase.ABANDONED || phase == Phase.FAILED;
    }

    public synchronized View view() {
        boolean done = record != null;
        return new View(number, task.questionText(question), task.slots(), steps, phase,
                proposal == null ? null : describe(proposal),
                proposal == null ? null : proposal instanceof Action.Ask ? "ask" : "answer", rejected,
                done ? record.answer() : null, done ? record.truth() : null, done ? record.correct() : null,
                receipt == null ? null : receipt.index(), error);
    }

    private String describe(Action a) {
        return switch (a) {
            case Action.Ask ask -> task.questionText(ask.subquestion());
            case Action.Answer ans -> task.answerText(ans.answer());
        };
    }

    private List<Step> snapshot(Transcript t) {
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < t.asked(); i++) {
            int[] sq = t.subquestion(i);
            boolean answered = i < t.asked() - 1 || !t.awaitingSubanswer();
            String by = Vocabulary.isBlank(sq) ? "blank" : task.isPrimitive(sq) ? "environment" : desk.answeredBy();
            out.add(new Step(task.questionText(sq), answered ? task.answerText(t.subanswer(i)) : null, by));
        }
        return List.copyOf(out);
    }
}
