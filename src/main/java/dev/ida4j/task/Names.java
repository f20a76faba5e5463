package dev.ida4j.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The 64 names {@code aa}..{@code hh} shared by four tasks: name i is the letters {@code a + i / 8} and
 * {@code a + i % 8}, so name order is alphabetical order. Every vocabulary that holds names puts {@code a}..{@code h}
 * at ids 1..8, and a name takes two tokens.
 */
final class Names {
    static final int COUNT = 64;
    static final String[] LETTERS = {"a", "b", "c", "d", "e", "f", "g", "h"};
    private static final int FIRST_LETTER = 1;

    private Names() {
    }

    /** A vocabulary of {@code ?}, the letters a..h at ids 1..8, then {@code more}. */
    static Vocabulary vocabulary(List<String> more) {
        List<String> tokens = new ArrayList<>(List.of("?"));
        tokens.addAll(List.of(LETTERS));
        tokens.addAll(more);
        return new Vocabulary(tokens);
    }

    /** Writes name {@code name} into {@code dst[at]}, {@code dst[at + 1]}. */
    static void put(int name, int[] dst, int at) {
        dst[at] = FIRST_LETTER + name / 8;
        dst[at + 1] = FIRST_LETTER + name % 8;
    }

    /** The name at {@code src[at]}, {@code src[at + 1]}, or -1 if those tokens are not two letters. */
    static int get(int[] src, int at) {
        if (at + 1 >= src.length) {
            return -1;
        }
        int hi = src[at] - FIRST_LETTER;
        int lo = src[at + 1] - FIRST_LETTER;
        return hi >= 0 && hi < 8 && lo >= 0 && lo < 8 ? hi * 8 + lo : -1;
    }

    /** A two-token answer holding a name. */
    static int[] answer(int name) {
        int[] a = new int[2];
        put(name, a, 0);
        return a;
    }

    /** The name an answer of exactly two letter tokens holds, or -1. */
    static int ofAnswer(int[] answer) {
        return answer.length == 2 ? get(answer, 0) : -1;
    }

    static String text(int name) {
        return LETTERS[name / 8] + LETTERS[name % 8];
    }

    /** The name {@code text} spells, or -1 if it is not two letters a..h. */
    static int parse(String text) {
        if (text.length() != 2) {
            return -1;
        }
        int hi = text.charAt(0) - 'a';
        int lo = text.charAt(1) - 'a';
        return hi >= 0 && hi < 8 && lo >= 0 && lo < 8 ? hi * 8 + lo : -1;
    }

    /** {@code n} distinct values of 0..63 in random order (a partial Fisher-Yates shuffle). */
    static int[] sampleDistinct(int n, RandomGenerator rng) {
        int[] all = new int[COUNT];
        for (int i = 0; i < COUNT; i++) {
            all[i] = i;
        }
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(COUNT - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, n);
    }

    /** For each of the 64 names, its position in {@code names}, or -1. */
    static int[] indexOf(int[] names) {
        int[] index = new int[COUNT];
        Arrays.fill(index, -1);
        for (int i = 0; i < names.length; i++) {
            index[names[i]] = i;
        }
        return index;
    }
}
