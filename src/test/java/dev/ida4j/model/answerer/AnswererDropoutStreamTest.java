package dev.ida4j.model.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import org.junit.jupiter.api.Test;

/** Each rank of a data-parallel job draws dropout masks of its own stream; stream 0 is a single process's. */
class AnswererDropoutStreamTest {
    private static final AnswererConfig CFG = new AnswererConfig(16, 3, 1, 2, 32, 2, 1, 1, 8, 2, 0.5f, true);

    @Test
    void shouldDrawOtherMasksOnAnotherStreamAndTheSameOnStreamZero() {
        float plain = loss(-1);
        assertThat(loss(0)).isEqualTo(plain);
        assertThat(loss(1)).isNotEqualTo(plain);
        assertThat(loss(1)).isEqualTo(loss(1));
    }

    /** The training loss of one toy batch with dropout 0.5, on {@code stream} (-1: never set). */
    private static float loss(int stream) {
        try (Backend backend = Backends.cpu(1); Answerer x = new Answerer(backend, CFG, 4, 5, 3)) {
            x.initialize(7);
            if (stream >= 0) {
                x.setDropoutStream(stream);
            }
            x.setTraining(true);
            ToyBatch.random(CFG, 4, 5, 3, 11).load(x);
            return x.forwardBackward();
        }
    }
}
