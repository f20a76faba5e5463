package dev.ida4j.model.answerer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Presets, parameter counts at the reference's task sizes, and validation messages. */
class AnswererConfigTest {

    @Test
    void shouldGiveThePaperPresetAboutTheReferencesParameterCount() {
        // (V, W, Lq, La) of the five reference tasks (ida-reference.md §1.3); the reference reports 33.3M-38.4M
        int[][] tasks = {{11, 4, 8, 2}, {20, 6, 3, 2}, {69, 7, 6, 1}, {27, 4, 5, 2}, {79, 4, 4, 2}};
        // ours: 9 cells of 12·C² dominate (28.4M); the decoder's two MLPs per answer position (hidden 4C) add
        // ~2.2M each
        long[] expected = {33_400_244, 33_450_374, 31_806_459, 33_448_340, 34_052_652};
        for (int t = 0; t < tasks.length; t++) {
            int[] s = tasks[t];
            AnswererConfig cfg = AnswererConfig.paper(s[0], s[1], s[2], s[3]);
            assertThat(cfg.parameterLayout().tensorElements()).as("parameters at (V, W, Lq, La) = (%d, %d, %d, %d)",
                    s[0], s[1], s[2], s[3]).isEqualTo(expected[t]).isBetween(30_000_000L, 38_400_000L);
        }
        AnswererConfig perm = AnswererConfig.paper(11, 4, 8, 2);
        assertThat(perm.bufferLayout().tensorElements()).as("running mean and variance of 11 BatchNorms")
                .isEqualTo(2L * 512 * (2 + 6 + 3));
        assertThat(AnswererConfig.small(11, 4, 8, 2).parameterLayout().tensorElements()).isEqualTo(1_151_088);
    }

    @Test
    void shouldNameTheBadField() {
        assertThatThrownBy(() -> new AnswererConfig(11, 4, 8, 0, 128, 4, 2, 2, 32, 4, 0.1f, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("answerLength")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new AnswererConfig(11, 4, 8, 2, 130, 4, 2, 2, 32, 4, 0.1f, false))
                .hasMessageContaining("channels 130").hasMessageContaining("heads 4");
        assertThatThrownBy(() -> AnswererConfig.small(11, 4, 8, 2).withDropout(1f))
                .hasMessageContaining("dropout 1.0");
    }
}
