package dev.ida4j.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class CurriculumTest {
    /** Records {@code batches} batches of the same agreement; returns how many promoted. */
    private static int feed(Curriculum c, int batches, double agreement) {
        int promotions = 0;
        for (int i = 0; i < batches; i++) {
            promotions += c.record(agreement) ? 1 : 0;
        }
        return promotions;
    }

    @Test
    void shouldClimbTheLevelsFirstThenDrawEveryQuestionThenGrowTheSize() {
        Curriculum c = new Curriculum(8, 10, 3, false, 0.85, 100, 5);
        assertThat(c.draw()).isEqualTo(new Curriculum.Draw(8, 1, false));
        assertThat(feed(c, 4, 0.9)).as("not before 5 batches").isZero();
        assertThat(c.record(0.9)).isTrue();
        assertThat(c.draw()).isEqualTo(new Curriculum.Draw(8, 2, false));
        assertThat(c.agreement()).as("reset on promotion").isZero();
        feed(c, 5, 0.9);
        assertThat(c.draw()).isEqualTo(new Curriculum.Draw(8, 3, false));
        feed(c, 5, 0.9);
        assertThat(c.draw()).as("after the highest level: every question").isEqualTo(new Curriculum.Draw(8, 0, false));
        feed(c, 5, 0.9);
        assertThat(c.draw()).isEqualTo(new Curriculum.Draw(9, 0, false));
        feed(c, 5, 0.9);
        assertThat(c.draw()).isEqualTo(new Curriculum.Draw(10, 0, false));
        assertThat(feed(c, 50, 1.0)).as("nothing beyond the final size").isZero();
    }

    @Test
    void shouldNotPromoteOnAgreementAtOrBelowTheThreshold() {
        Curriculum c = new Curriculum(8, 16, 0, false, 0.85, 100, 5);
        assertThat(c.draw()).isEqualTo(new Curriculum.Draw(8, 0, false));
        assertThat(feed(c, 500, 0.85)).isZero();
        assertThat(c.agreement()).isCloseTo(0.85, offset(1e-9));
        int batches = 1;
        while (!c.record(0.9)) {
            batches++;
        }
        // the EMA (horizon 100) goes from 0.85 past 0.85 at once: the first batch above the threshold promotes
        assertThat(batches).isOne();
        assertThat(c.size()).isEqualTo(9);
    }

    @Test
    void shouldPassOverALevelThatABatchHasNoQuestionOf() {
        Curriculum c = new Curriculum(8, 8, 4, true, 0.85, 100, 5);
        feed(c, 3, 0.5);
        assertThat(c.record(Double.NaN)).as("no question of level 1 in this batch").isTrue();
        assertThat(c.draw()).isEqualTo(new Curriculum.Draw(8, 2, true));
        assertThat(c.batches()).isZero();
        c.restore(8, 0, 0, 0);
        assertThat(c.record(Double.NaN)).as("every question drawn: nothing to pass over").isFalse();
        assertThat(c.batches()).isZero();
    }

    @Test
    void shouldRestoreItsStateAndRefuseALevelItDoesNotHave() {
        Curriculum c = new Curriculum(8, 16, 5, true, 0.85, 100, 5);
        c.restore(12, 0, 3, 0.5);
        assertThat(c.draw()).isEqualTo(new Curriculum.Draw(12, 0, true));
        assertThat(c.batches()).isEqualTo(3);
        assertThat(c.agreement()).isEqualTo(0.5);
        assertThatThrownBy(() -> c.restore(12, 6, 0, 0)).hasMessageContaining("level 6");
    }
}
