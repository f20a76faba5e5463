package dev.ida4j.overseer;

import dev.ida4j.task.Task;
import java.util.Arrays;

/**
 * One question being answered by an overseer: the question, the subquestions asked and the subanswers received so far
 * (at most {@link #slots()} of each), and the final answer once {@link #isDone()}. It is a record of what happened,
 * filled in by whoever drives the overseer; it holds no facts and decides nothing. Arrays are copied in and out.
 *
 * <p>Not thread-safe.
 */
public final class Transcript {
    private final int[] question;
    private final int[][] subquestions;
    private final int[][] subanswers;
    private int asked;
    private int answered;
    private int[] answer;

    /** An empty transcript for {@code question}, with room for {@code slots} subquestions. */
    public Transcript(int[] question, int slots) {
        if (slots < 0) {
            throw new IllegalArgumentException("slots must be >= 0, got " + slots);
        }
        this.question = question.clone();
        this.subquestions = new int[slots][];
        this.subanswers = new int[slots][];
    }

    public int[] question() {
        return question.clone();
    }

    public int slots() {
        return subquestions.length;
    }

    /** How many subquestions have been asked (answered or not). */
    public int asked() {
        return asked;
    }

    public int[] subquestion(int i) {
        if (i < 0 || i >= asked) {
            throw new IndexOutOfBoundsException("subquestion " + i + " of a transcript with " + asked + " asked");
        }
        return subquestions[i].clone();
    }

    public int[] subanswer(int i) {
        if (i < 0 || i >= answered) {
            throw new IndexOutOfBoundsException("subanswer " + i + " of a transcript with " + answered + " answered");
        }
        return subanswers[i].clone();
    }

    /** Whether {@code subquestion} was asked before the last subquestion (the one awaiting or just given its reply). */
    public boolean askedBefore(int[] subquestion) {
        for (int i = 0; i < asked - 1; i++) {
            if (Arrays.equals(subquestions[i], subquestion)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the last subquestion still waits for its subanswer. */
    public boolean awaitingSubanswer() {
        return asked > answered;
    }

    public boolean isDone() {
        return answer != null;
    }

    /** The final answer. @throws IllegalStateException before {@link #finish} */
    public int[] answer() {
        if (answer == null) {
            throw new IllegalStateException("the transcript has no final answer yet");
        }
        return answer.clone();
    }

    /** Records a subquestion, to be followed by its {@link #reply}. */
    public void ask(int[] subquestion) {
        checkOpen("ask a subquestion");
        if (asked == subquestions.length) {
            throw new IllegalStateException("all " + subquestions.length + " subquestion slots are used");
        }
        subquestions[asked++] = subquestion.clone();
    }

    /** Records the subanswer to the last subquestion. */
    public void reply(int[] subanswer) {
        if (!awaitingSubanswer()) {
            throw new IllegalStateException("no subquestion awaits a subanswer");
        }
        subanswers[answered++] = subanswer.clone();
    }

    /** Records the final answer; the transcript is then done. */
    public void finish(int[] finalAnswer) {
        checkOpen("finish");
        answer = finalAnswer.clone();
    }

    /** Records an overseer's action: {@link #ask} for an {@link Action.Ask}, {@link #finish} for an {@link Action.Answer}. */
    public void apply(Action action) {
        switch (action) {
            case Action.Ask a -> ask(a.subquestion());
            case Action.Answer a -> finish(a.answer());
        }
    }

    private void checkOpen(String what) {
        if (answer != null) {
            throw new IllegalStateException("cannot " + what + ": the transcript is done");
        }
        if (awaitingSubanswer()) {
            throw new IllegalStateException("cannot " + what + ": subquestion " + (asked - 1) + " awaits its subanswer");
        }
    }

    /**
     * The transcript in {@code task}'s text form, one line each: the question, each subquestion with its subanswer,
     * and the answer, e.g. {@code "Q: ab ^ 5\n  ab ^ 2 -> cd\n  ...\nA: ef\n"}; pending parts show as {@code …}.
     */
    public String render(Task task) {
        StringBuilder s = new StringBuilder("Q: ").append(task.questionText(question)).append('\n');
        for (int i = 0; i < asked; i++) {
            s.append("  ").append(task.questionText(subquestions[i])).append(" -> ")
                    .append(i < answered ? task.answerText(subanswers[i]) : "…").append('\n');
        }
        return s.append("A: ").append(answer == null ? "…" : task.answerText(answer)).append('\n').toString();
    }
}
