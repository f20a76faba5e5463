package dev.ida4j.amplify;

import dev.ida4j.overseer.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A finished transcript of {@link Amplifier#amplifyTraced} with, for each of its subquestions, what answered it: the
 * environment, the model, a deeper amplification (whose own tree is kept), or nothing (a blank subquestion); and
 * whether an injected error replaced the answer.
 */
public final class Tree {
    /** What answered a subquestion. */
    public enum Source {
        BLANK, ENVIRONMENT, MODEL, AMPLIFIED;

        /** The name in traces: lower case. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Transcript transcript;
    private final List<Source> sources = new ArrayList<>();
    private final List<Tree> children = new ArrayList<>();
    private final List<Boolean> injected = new ArrayList<>();

    Tree(Transcript transcript) {
        this.transcript = transcript;
    }

    /** Records the reply to the next subquestion: who gave it, its tree when amplified, and whether it was replaced. */
    void replied(Source source, Tree child, boolean replaced) {
        sources.add(source);
        children.add(child);
        injected.add(replaced);
    }

    public Transcript transcript() {
        return transcript;
    }

    /** What answered subquestion {@code i}. */
    public Source source(int i) {
        return sources.get(i);
    }

    /** The tree that answered subquestion {@code i} when it was {@link Source#AMPLIFIED}, else null. */
    public Tree child(int i) {
        return children.get(i);
    }

    /** Whether an injected error replaced the answer to subquestion {@code i}. */
    public boolean injected(int i) {
        return injected.get(i);
    }
}
