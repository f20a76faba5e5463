package dev.ida4j.loop;

import dev.ida4j.task.Vocabulary;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Agreement between the teacher's own answers and its training targets, question by question: the raw fraction
 * (the reference's measure: a blank answer never agrees) and the chance-corrected one, Cohen's kappa.
 *
 * <p>Kappa = (p_o − p_e) / (1 − p_e), with p_o the raw agreement and p_e the agreement expected if teacher and
 * targets answered independently with the same frequencies: the sum over non-blank answers a of
 * P(teacher says a)·P(target is a). A teacher that answers everything with the commonest target ("0" in wildcard
 * search, "inf" in shortest path) agrees often but scores about 0; one right everywhere on varied answers scores
 * close to its raw agreement. Kappa is 0 when p_e is 1 (one answer for everything shows nothing).
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

    private final Map<Answer, long[]> counts = new HashMap<>();   // answer -> {as the teacher's, as a target}
    private long same;
    private long total;

    /** One question's pair. */
    void add(int[] mine, int[] target) {
        total++;
        if (!Vocabulary.isBlank(mine)) {
            counts.computeIfAbsent(new Answer(mine), k -> new long[2])[0]++;
            if (Arrays.equals(mine, target)) {
                same++;
            }
        }
        if (!Vocabulary.isBlank(target)) {
            counts.computeIfAbsent(new Answer(target), k -> new long[2])[1]++;
        }
    }

    long total() {
        return total;
    }

    /** The fraction of questions where the teacher gave a non-blank answer equal to the target; 0 when empty. */
    double raw() {
        return total == 0 ? 0 : (double) same / total;
    }

    /** Cohen's kappa; 0 when empty. */
    double kappa() {
        if (total == 0) {
            return 0;
        }
        double chance = 0;
        for (long[] c : counts.values()) {
            chance += (double) c[0] / total * c[1] / total;
        }
        return chance >= 1 ? 0 : (raw() - chance) / (1 - chance);
    }
}
