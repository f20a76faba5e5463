package dev.ida4j.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {
    private final Vocabulary v = new Vocabulary(List.of("?", "a", "b"));

    @Test
    void shouldMapIdsAndTokensBothWays() {
        assertThat(v.size()).isEqualTo(3);
        assertThat(v.text(2)).isEqualTo("b");
        assertThat(v.id("a")).isEqualTo(1);
        assertThat(v.render(new int[] {1, 0, 7})).isEqualTo("[a ? #7]");
    }

    @Test
    void shouldRefuseABadVocabularyOrTokenNamingIt() {
        assertThatThrownBy(() -> new Vocabulary(List.of("a", "?"))).hasMessageContaining("token 0 must be '?'");
        assertThatThrownBy(() -> new Vocabulary(List.of("?", "a", "a"))).hasMessageContaining("'a' appears twice");
        assertThatThrownBy(() -> v.id("c")).hasMessage("unknown token 'c': expected one of [?, a, b]");
        assertThatThrownBy(() -> v.text(3)).hasMessage("token id 3 is outside 0..2");
    }
}
