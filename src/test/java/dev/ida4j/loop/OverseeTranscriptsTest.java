package dev.ida4j.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.task.Task;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Human transcripts fed into H′'s replay buffer count as calls to H. */
class OverseeTranscriptsTest {

    private static Transcript transcript(Task task, String q, String... subAndAnswers) {
        Transcript t = new Transcript(task.parseQuestion(q), task.slots());
        for (int i = 0; i + 1 < subAndAnswers.length; i += 2) {
            t.ask(task.parseQuestion(subAndAnswers[i]));
            t.reply(task.parseAnswer(subAndAnswers[i + 1]));
        }
        t.finish(task.parseAnswer(subAndAnswers[subAndAnswers.length - 1]));
        return t;
    }

    @Test
    void shouldPutHumanTranscriptsIntoTheAskerBufferAsHCalls() {
        LoopConfig cfg = LoopConfig.defaults("permutation-powering", Mode.AMPLIFICATION, 4, 1, 0, 1);
        try (Backend backend = Backends.cpu(1); IdaLoop loop = new IdaLoop(backend, cfg)) {
            Task task = loop.task();
            List<Transcript> human = List.of(
                    transcript(task, "ab ^ 2", "ab ^ 1", "cd", "cd ^ 1", "ef", "ef"),
                    transcript(task, "ab ^ 3", "ab ^ 1", "cd", "cd ^ 1", "ef", "ef ^ 1", "gh", "gh"),
                    transcript(task, "hh ^ 5", "?"));
            long calls = loop.askerTraining.calls;
            long added = loop.askerBuffer.added();
            loop.feedTranscripts(human);
            assertThat(loop.askerTraining.calls).isEqualTo(calls + 3);
            assertThat(loop.askerBuffer.added()).isEqualTo(added + 3);
            int len = loop.layout.length();
            for (int i = 0; i < 3; i++) {
                int[] expected = new int[len];
                loop.layout.flatten(human.get(i), expected, 0);
                int at = (int) ((added + i) % loop.askerBuffer.capacity()) * len;
                assertThat(Arrays.copyOfRange(loop.askerBuffer.data(), at, at + len)).isEqualTo(expected);
            }
        }
        LoopConfig noasker = LoopConfig.defaults("permutation-powering", Mode.NOASKER, 4, 1, 0, 1);
        try (Backend backend = Backends.cpu(1); IdaLoop loop = new IdaLoop(backend, noasker)) {
            assertThatThrownBy(() -> loop.feedTranscripts(List.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("only amplification mode");
        }
    }
}
