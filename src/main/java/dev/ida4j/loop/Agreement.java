package dev.ida4j.loop;

import dev.ida4j.task.Vocabulary;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Agreement between the teacher's own answers and its training targets, question by question: the raw fraction of
 * questions where the teacher gave the target (the reference's measure; a blank answer never agrees), and the same
 * fraction over the questions whose target is not the commonest target of the batch.
 *
 * <p>The second is what a fixed point cannot win: a teacher that answers everything with the commonest target ("0"
 * in wildcard search, "inf" in shortest path) agrees with every target it repeats, and with none of the others. A
 * teacher that is right everywhere scores the same on both.
 */
final class Agreement {
    private record Answer(int[] tokens) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Answer a && Arrays.equals(tokens, a.tokens);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(tokens);
        }
    }

    private final Map<Answer, long[]> byTarget = new HashMap<>();   // target -> {questions, agreed}
    private long same;
    private long total;

    /** One question's pair. */
    void add(int[] mine, int[] target) {
        long[] c = byTarget.computeIfAbsent(new Answer(target), k -> new long[2]);
        c[0]++;
        total++;
        if (!Vocabulary.isBlank(mine) && Arrays.equals(mine, target)) {
            c[1]++;
            same++;
        }
    }

    long total() {
        return total;
    }

    /** The fraction of questions where the teacher gave a non-blank answer equal to the target; 0 when empty. */
    double raw() {
        return total == 0 ? 0 : (double) same / total;
    }

    /**
     * The same fraction over the questions whose target is not the commonest (of equally common targets, the one the
     * teacher agreed with most, so that a tie never helps); 0 when every target is the same.
     */
    double withoutModal() {
        long[] modal = {0, 0};
        for (long[] c : byTarget.values()) {
            if (c[0] > modal[0] || (c[0] == modal[0] && c[1] > modal[1])) {
                modal = c;
            }
        }
        long rest = total - modal[0];
        return rest == 0 ? 0 : (double) (same - modal[1]) / rest;
    }
}
