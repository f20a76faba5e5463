package dev.ida4j.trace;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Where the wrong top-level answers of a set of trace lines first went wrong: the overseer's subquestion (where it
 * parted from H), a subanswer of the model X (by the subquestion's class), of the environment or an injected error,
 * or the combination of right subanswers into the final answer. The viewer's summary counts the same way.
 */
public final class TraceSummary {
    private int trees;
    private int wrong;
    private final Map<String, Integer> causes = new TreeMap<>();
    private final Map<String, Integer> modelClasses = new TreeMap<>();

    /** Counts one trace line. */
    public void add(JsonNode line) {
        trees++;
        JsonNode tree = line.get("tree");
        if (tree.get("right").asBoolean()) {
            return;
        }
        wrong++;
        String cause = cause(tree.get("first_error"));
        causes.merge(cause, 1, Integer::sum);
        if (cause.equals("X's subanswer")) {
            modelClasses.merge(tree.get("first_error").path("class").asString("?"), 1, Integer::sum);
        }
    }

    /** The first error's cause in words, as the summary and the viewer name it. */
    static String cause(JsonNode error) {
        return switch (error.get("kind").asString()) {
            case "subquestion" -> "the overseer's subquestion";
            case "combination" -> "the combination";
            default -> switch (error.path("by").asString("")) {
                case "model" -> "X's subanswer";
                case "injected" -> "an injected error";
                default -> "the " + error.path("by").asString("?") + "'s subanswer";
            };
        };
    }

    public int trees() {
        return trees;
    }

    public int wrong() {
        return wrong;
    }

    /** How many wrong answers' first error had each cause. */
    public Map<String, Integer> causes() {
        return Map.copyOf(causes);
    }

    /** One line: trees, wrong ones, and their first errors' causes with shares (X's by class). */
    public String line() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d trees, %d wrong", trees, wrong));
        String sep = "; first errors: ";
        for (Map.Entry<String, Integer> e : causes.entrySet()) {
            s.append(sep).append(String.format(Locale.ROOT, "%s %d (%.0f %%)", e.getKey(), e.getValue(),
                    100.0 * e.getValue() / wrong));
            if (e.getKey().equals("X's subanswer")) {
                StringBuilder by = new StringBuilder();
                modelClasses.forEach((c, k) -> by.append(by.isEmpty() ? "" : ", ").append(c).append(' ').append(k));
                s.append(" [").append(by).append(']');
            }
            sep = ", ";
        }
        return s.toString();
    }
}
