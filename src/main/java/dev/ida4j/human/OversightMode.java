package dev.ida4j.human;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Who proposes and who decides in an oversight session. */
public enum OversightMode {
    /** The person types every subquestion and the answer. */
    HUMAN,
    /** H′ proposes each subquestion or the answer; the person accepts or edits it. */
    ASSISTED,
    /** H′ proposes each action; the person approves it or rejects it (and H′ proposes again). */
    APPROVAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether H′ proposes (the modes that need a trained run). */
    public boolean needsAssistant() {
        return this != HUMAN;
    }

    public static OversightMode parse(String text) {
        for (OversightMode m : values()) {
            if (m.label().equals(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--mode '" + text + "' is unknown; valid: "
                + Arrays.stream(values()).map(OversightMode::label).collect(Collectors.joining(", ")));
    }
}
