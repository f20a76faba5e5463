package dev.ida4j.human;

import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.Overseer;
import dev.ida4j.overseer.Transcript;
import java.util.List;

/**
 * A person as the overseer: each decision comes from a {@link Person}, who may take minutes over it. The amplifier
 * drives it like any other overseer, so a person's subquestions are answered exactly as H's are in training
 * (primitive ones by the environment, the others by the model). Decides one transcript after another.
 */
public final class HumanOverseer implements Overseer {
    /** Where the decisions come from: a page, a terminal, a test. It may block until the person has decided. */
    @FunctionalInterface
    public interface Person {
        /** The next action for {@code transcript}, which is neither done nor awaiting a subanswer. */
        Action decide(Transcript transcript);
    }

    private final String name;
    private final int slots;
    private final Person person;

    public HumanOverseer(String name, int slots, Person person) {
        if (slots < 0) {
            throw new IllegalArgumentException("overseer '" + name + "': slots must be >= 0, got " + slots);
        }
        this.name = name;
        this.slots = slots;
        this.person = person;
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
            Transcript t = inProgress.get(i);
            if (t.isDone() || t.awaitingSubanswer()) {
                throw new IllegalStateException("overseer '" + name + "': a transcript is "
                        + (t.isDone() ? "done" : "awaiting a subanswer"));
            }
            Action a = person.decide(t);
            if (a instanceof Action.Ask && t.asked() >= slots) {
                throw new IllegalStateException("overseer '" + name + "': a subquestion beyond its " + slots
                        + " slots");
            }
            out[i] = a;
        }
    }
}
