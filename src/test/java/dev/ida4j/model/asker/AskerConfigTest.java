package dev.ida4j.model.asker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AskerConfigTest {

    @Test
    void shouldHaveTheReferenceParameterCountAtTheFiveTaskSizes() {
        // (V, Lq, La, slots) of permutation powering, sequential assignments, wildcard search, shortest path,
        // union find; the reference's H′ has 0.87–0.89M parameters
        int[][] tasks = {{11, 8, 2, 3}, {20, 3, 2, 5}, {69, 6, 1, 2}, {27, 5, 2, 9}, {79, 4, 2, 9}};
        for (int[] k : tasks) {
            AskerConfig cfg = AskerConfig.reference(k[0], k[1], k[2], k[3]);
            long count = cfg.parameterLayout().tensorElements();
            assertThat(count).as("parameters of %s", cfg).isBetween(830_000L, 900_000L);
        }
        assertThat(AskerConfig.reference(79, 4, 2, 9).parameterLayout().tensorElements()).isEqualTo(875_375L); // counted by hand: embeddings 18,432 + 4 cells × 198,272 + heads 63,855
    }

    @Test
    void shouldLayOutTheTranscript() {
        AskerConfig cfg = AskerConfig.reference(11, 3, 2, 2); // Q(3) | q(3) a(2) | q(3) a(2) | A(2)
        assertThat(cfg.transcriptLength()).isEqualTo(15);
        assertThat(cfg.positions()).isEqualTo(16);
        TokenType[] expected = new TokenType[15];
        String roles = "MMMqqqaaqqqaaAA";
        for (int i = 0; i < 15; i++) {
            expected[i] = switch (roles.charAt(i)) {
                case 'M' -> TokenType.MAIN_QUESTION;
                case 'q' -> TokenType.SUBQUESTION;
                case 'a' -> TokenType.SUBANSWER;
                default -> TokenType.MAIN_ANSWER;
            };
            assertThat(cfg.typeOf(i)).as("type of %d", i).isEqualTo(expected[i]);
        }
        assertThat(cfg.subquestionStart(1)).isEqualTo(8);
        assertThat(cfg.subanswerStart(1)).isEqualTo(11);
        assertThat(cfg.answerStart()).isEqualTo(13);
    }

    @Test
    void shouldNameTheBadField() {
        assertThatThrownBy(() -> new AskerConfig(0, 2, 2, 1, 8, 2, 1, 0f, true)).hasMessageContaining("vocab 0");
        assertThatThrownBy(() -> new AskerConfig(5, 2, 2, -1, 8, 2, 1, 0f, true)).hasMessageContaining("slots -1");
        assertThatThrownBy(() -> new AskerConfig(5, 2, 2, 1, 10, 4, 1, 0f, true))
                .hasMessageContaining("channels 10").hasMessageContaining("heads 4");
        assertThatThrownBy(() -> new AskerConfig(5, 2, 2, 1, 8, 2, 1, 1f, true)).hasMessageContaining("dropout 1.0");
    }
}
