package dev.ida4j.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class AgreementTest {
    private static int[] a(int... tokens) {
        return tokens;
    }

    @Test
    void shouldScoreATeacherRepeatingTheCommonestTargetAtZero() {
        // 80 targets "0", 20 others, all different; the teacher says "0" to everything
        Agreement g = new Agreement();
        for (int i = 0; i < 100; i++) {
            g.add(a(5), i < 80 ? a(5) : a(10 + i));
        }
        assertThat(g.raw()).isEqualTo(0.8);
        // p_e = P(teacher "0") P(target "0") = 1 · 0.8 = p_o
        assertThat(g.kappa()).isCloseTo(0, offset(1e-12));
    }

    @Test
    void shouldScoreVariedRightAnswersAlmostAsTheirRawAgreement() {
        Agreement g = new Agreement();
        for (int i = 0; i < 64; i++) {
            g.add(a(i, 1), a(i, 1));
        }
        for (int i = 0; i < 16; i++) {
            g.add(a(i, 2), a(i, 3));   // disagree
        }
        double po = 64 / 80.0;
        // every answer appears once as teacher and once as target among the 64 agreeing, 16 unmatched pairs
        double pe = 64 * (1 / 80.0) * (1 / 80.0);
        assertThat(g.raw()).isEqualTo(po);
        assertThat(g.kappa()).isCloseTo((po - pe) / (1 - pe), offset(1e-12)).isGreaterThan(0.79);
    }

    @Test
    void shouldNeverCountABlankAnswerAsAgreement() {
        Agreement g = new Agreement();
        g.add(a(0, 0), a(0, 0));
        g.add(a(0, 0), a(3, 1));
        assertThat(g.raw()).isZero();
        assertThat(g.kappa()).isZero();
        assertThat(g.total()).isEqualTo(2);
        assertThat(new Agreement().kappa()).as("empty").isZero();
    }

    @Test
    void shouldGiveZeroWhenOneAnswerIsAllThereIs() {
        Agreement g = new Agreement();
        for (int i = 0; i < 10; i++) {
            g.add(a(7), a(7));
        }
        assertThat(g.raw()).isEqualTo(1.0);
        assertThat(g.kappa()).as("p_e = 1: nothing shown").isZero();
    }
}
