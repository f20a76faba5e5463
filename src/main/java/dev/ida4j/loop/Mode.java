package dev.ida4j.loop;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where X's training targets come from. */
public enum Mode {
    /** Amplify^{H′}(X): the learned overseer H′ decomposes, trained on transcripts of the real H. */
    AMPLIFICATION,
    /** Amplify^{H}(X): the algorithmic overseer H decomposes every question (the "noasker" ablation). */
    NOASKER,
    /** Ground-truth targets: the supervised baseline. */
    SUPERVISED;

    /** The name on the command line and in metrics. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String text) {
        for (Mode m : values()) {
            if (m.label().equals(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + text + "'; valid: "
                + Arrays.stream(values()).map(Mode::label).collect(Collectors.joining(", ")));
    }
}
