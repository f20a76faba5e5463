package dev.ida4j.loop;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(g.withoutModal()).isZero();
    }

    @Test
    void shouldScoreATeacherRightOnTheRarerTargetsAsOnThose() {
        // 60 targets "0", of which the teacher gets 54; 40 varied ones, of which it gets 30
        Agreement g = new Agreement();
        for (int i = 0; i < 100; i++) {
            int[] target = i < 60 ? a(5) : a(10 + i % 7);
            boolean right = i < 54 || (i >= 60 && i < 90);
            g.add(right ? target : a(6), target);
        }
        assertThat(g.raw()).isEqualTo(0.84);
        assertThat(g.withoutModal()).isEqualTo(30 / 40.0);
    }

    @Test
    void shouldLeaveOutTheTieTheTeacherAgreedWithMost() {
        Agreement g = new Agreement();
        g.add(a(1), a(1));
        g.add(a(1), a(1));
        g.add(a(9), a(2));
        g.add(a(2), a(2));
        // targets 1 and 2 twice each; the teacher got both 1s and one 2: leaving out 1 gives 1/2, not 2/2
        assertThat(g.withoutModal()).isEqualTo(0.5);
    }

    @Test
    void shouldNeverCountABlankAnswerAsAgreement() {
        Agreement g = new Agreement();
        g.add(a(0, 0), a(0, 0));
        g.add(a(0, 0), a(3, 1));
        g.add(a(0, 0), a(4, 1));
        assertThat(g.raw()).isZero();
        assertThat(g.withoutModal()).isZero();
        assertThat(g.total()).isEqualTo(3);
        assertThat(new Agreement().raw()).as("empty").isZero();
        assertThat(new Agreement().withoutModal()).as("empty").isZero();
    }

    @Test
    void shouldGiveZeroWhenOneTargetIsAllThereIs() {
        Agreement g = new Agreement();
        for (int i = 0; i < 10; i++) {
            g.add(a(7), a(7));
        }
        assertThat(g.raw()).isEqualTo(1.0);
        assertThat(g.withoutModal()).as("nothing shown beyond one answer").isZero();
    }
}
