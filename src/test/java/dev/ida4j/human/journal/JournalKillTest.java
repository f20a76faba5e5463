package dev.ida4j.human.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL right after an acknowledgment loses nothing acknowledged (reliability checklist 37). */
class JournalKillTest {
    @TempDir
    Path dir;

    /** Starts a writer, reads acks until {@code acks} more arrived, kills it with SIGKILL; returns the last ack. */
    private int writeAndKill(Path file, int acks) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                JournalWriter.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int last = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (int seen = 0; seen < acks; seen++) {
                String line = out.readLine();
                assertThat(line).as("the writer's output").isNotNull().startsWith("ack ");
                last = Integer.parseInt(line.substring(4));
            }
            p.destroyForcibly();   // SIGKILL on Linux: no shutdown hooks, no finally blocks
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        return last;
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordAfterSigkill() throws Exception {
        Path file = dir.resolve("transcripts.journal");
        int expected = 0;
        for (int round = 0; round < 3; round++) {
            int lastAck = writeAndKill(file, 40 + 17 * round);
            try (Journal j = Journal.open(file)) {
                assertThat(j.size()).as("round %d", round).isGreaterThan(lastAck);
                for (int n = 0; n <= lastAck; n++) {
                    assertThat(j.entries().get(n).id()).isEqualTo("judgment-" + n);
                    assertThat(j.entries().get(n).payload()).startsWith("{\"n\":" + n + ",");
                }
                expected = lastAck + 1;
            }
        }
        assertThat(Journal.read(file)).hasSizeGreaterThanOrEqualTo(expected);
    }
}
