package dev.ida4j.model.gpt;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.TestBackends;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Ids in a padding row of wte (V 250 padded to 256) are refused with the vocabulary's own bound, not the table's. */
class GptInputTest {

    @Test
    void shouldNameTheFirstIdOutsideTheVocabularyEvenInsideItsPadding() {
        GptConfig cfg = new GptConfig(250, 4, 8, 1, 2);
        try (Backend backend = TestBackends.reference();
             Gpt model = new Gpt(backend, cfg, 1, 4);
             Arena host = Arena.ofConfined()) {
            MemorySegment good = ids(host, 0, 1, 249, 7);
            assertThatThrownBy(() -> model.setBatch(ids(host, 0, 1, 250, 7), good))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token id 250 at position 2 is outside the vocabulary [0, 250)");
            assertThatThrownBy(() -> model.setBatch(good, ids(host, 3, -1, 2, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("target id -1 at position 1 is outside the vocabulary [0, 250)");
        }
    }

    private static MemorySegment ids(Arena host, int... values) {
        return host.allocateFrom(ValueLayout.JAVA_INT, values);
    }
}
