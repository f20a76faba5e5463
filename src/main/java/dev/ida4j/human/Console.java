package dev.ida4j.human;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.UUID;

/**
 * The terminal front end, for machines without a browser: the page's protocol line by line. The question is
 * printed; the person types a subquestion, {@code answer X}, {@code next} (leave the question) or {@code quit};
 * with H′ proposing, an empty line accepts its proposal (assisted) or {@code y}/{@code n} approve or reject it
 * (approval). Each finished transcript is saved to the journal before the next question is printed.
 */
public final class Console {
    private final Desk desk;
    private final BufferedReader in;
    private final PrintStream out;

    public Console(Desk desk, BufferedReader in, PrintStream out) {
        this.desk = desk;
        this.in = in;
        this.out = out;
    }

    /** Runs until {@code quit} or the end of the input. */
    public void run() throws IOException, InterruptedException {
        Session s = desk.current();
        header(s.view());
        while (true) {
            Session.View v = s.view();
            if (v.phase() != Session.Phase.YOUR_TURN && v.phase() != Session.Phase.SAVE_FAILED) {
                s = desk.next(id());
                header(s.view());
                continue;
            }
            if (v.proposal() != null) {
                out.println("H′ proposes to " + v.proposalKind() + ": " + v.proposal() + (desk.mode()
                        == OversightMode.APPROVAL ? "   (y approves, n rejects)" : "   (Enter accepts, or type yours)"));
            }
            out.print("> ");
            out.flush();
            String line = in.readLine();
            if (line == null || line.strip().equals("quit")) {
                out.println();
                return;
            }
            line = line.strip();
            if (line.equals("next")) {
                s = desk.next(id());
                header(s.view());
                continue;
            }
            Decision d = decision(line, v);
            if (d == null) {
                continue;
            }
            try {
                report(v, s.act(id(), d));
            } catch (Refusal r) {
                out.println("  ! " + r.getMessage());
            }
        }
    }

    private Decision decision(String line, Session.View v) {
        if (desk.mode() == OversightMode.APPROVAL) {
            return switch (line.toLowerCase(Locale.ROOT)) {
                case "y", "yes" -> new Decision.Approve();
                case "n", "no" -> new Decision.Reject();
                default -> {
                    out.println("  ! type y to approve H′'s proposal, n to reject it, next or quit");
                    yield null;
                }
            };
        }
        if (line.isEmpty()) {
            if (v.proposal() == null) {
                return null;
            }
            return v.proposalKind().equals("ask") ? new Decision.Ask(v.proposal()) : new Decision.Answer(v.proposal());
        }
        if (line.startsWith("answer ") || line.equals("answer")) {
            return new Decision.Answer(line.substring("answer".length()).strip());
        }
        return new Decision.Ask(line);
    }

    private void header(Session.View v) {
        out.println();
        out.println("question " + v.number() + ": " + v.question() + "   (" + desk.task().name() + ", size "
                + desk.size() + "; at most " + v.slots() + " subquestions; subanswers: " + desk.source() + ")");
        out.println("type a subquestion, 'answer X', 'next' or 'quit'");
    }

    private void report(Session.View before, Session.View after) {
        if (after.steps().size() > before.steps().size()) {
            Session.Step s = after.steps().getLast();
            out.println("  " + s.subquestion() + " -> " + s.subanswer() + "   (" + s.by() + ")");
        } else if (after.rejected().size() > before.rejected().size()) {
            out.println("  rejected");
        }
        switch (after.phase()) {
            case SAVED -> out.println("saved as record #" + after.record() + ": " + after.answer() + " is "
                    + (after.correct() ? "correct" : "wrong (truth " + after.truth() + ")"));
            case SAVE_FAILED -> out.println("  ! " + after.error() + " (type the answer again to retry)");
            case FAILED -> out.println("  ! " + after.error());
            default -> {
            }
        }
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
