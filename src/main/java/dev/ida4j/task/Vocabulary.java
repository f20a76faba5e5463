package dev.ida4j.task;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokens of one task: id i stands for the string {@link #text(int)}, and id 0 is always {@code ?}, the blank /
 * "I don't know" token. This is the models' alphabet, not the text form: a task's text of a fact, question or answer
 * may join tokens or leave padding out. Immutable.
 */
public final class Vocabulary {
    /** The id of {@code ?}. */
    public static final int BLANK = 0;

    /** Whether every token is {@link #BLANK}: a blank fact, question or answer ({@code ?}). */
    public static boolean isBlank(int[] tokens) {
        for (int t : tokens) {
            if (t != BLANK) {
                return false;
            }
        }
        return true;
    }

    private final String[] tokens;
    private final Map<String, Integer> ids = new HashMap<>();

    /** @param tokens distinct token strings, the first being {@code ?} */
    public Vocabulary(List<String> tokens) {
        if (tokens.isEmpty() || !tokens.getFirst().equals("?")) {
            throw new IllegalArgumentException("token 0 must be '?', got " + tokens);
        }
        this.tokens = tokens.toArray(String[]::new);
        for (int i = 0; i < this.tokens.length; i++) {
            if (ids.putIfAbsent(this.tokens[i], i) != null) {
                throw new IllegalArgumentException("token '" + this.tokens[i] + "' appears twice in " + tokens);
            }
        }
    }

    public int size() {
        return tokens.length;
    }

    public String text(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("token id " + id + " is outside 0.." + (tokens.length - 1));
        }
        return tokens[id];
    }

    public int id(String token) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new IllegalArgumentException("unknown token '" + token + "': expected one of " + List.of(tokens));
        }
        return id;
    }

    /** The raw tokens, space-separated in brackets, ids outside the vocabulary as {@code #id}: {@code [a ? #99]}. */
    public String render(int[] tokenIds) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < tokenIds.length; i++) {
            int id = tokenIds[i];
            s.append(i == 0 ? "" : " ").append(id >= 0 && id < tokens.length ? tokens[id] : "#" + id);
        }
        return s.append(']').toString();
    }
}
