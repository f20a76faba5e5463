package dev.ida4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** metrics.jsonl: one JSON object per line, readable while open, and cut back to the resume step. */
class MetricsLogTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path run;

    private Path file() {
        return run.resolve(MetricsLog.FILE);
    }

    private List<String> lines() throws IOException {
        return Files.readAllLines(file(), StandardCharsets.UTF_8);
    }

    /** What a training loop logs for one step: a train record, and an eval record every third step. */
    private static void logStep(MetricsLog log, long step) throws IOException {
        log.record().put("step", step).put("loss", 4f / step).put("lr", 3e-4 * step).write();
        if (step % 3 == 0) {
            log.record().put("step", step).put("eval_loss", 5.0 / step).put("kind", "eval").write();
        }
    }

    @Test
    void shouldWriteOneJsonObjectPerLineWithKeysInOrder() throws IOException {
        try (MetricsLog log = MetricsLog.open(run)) {
            log.record().put("step", 120).put("loss", 2.31f).put("lr", 3e-4).put("nan", Double.NaN)
                    .put("inf", Float.NEGATIVE_INFINITY).put("ok", true).put("note", "a \"quoted\"\nline").write();
            log.record().put("step", 121).write();
        }

        assertThat(lines()).containsExactly(
                "{\"step\":120,\"loss\":2.31,\"lr\":3.0E-4,\"nan\":null,\"inf\":null,\"ok\":true,"
                        + "\"note\":\"a \\\"quoted\\\"\\nline\"}",
                "{\"step\":121}");
        JsonNode first = JSON.readTree(lines().getFirst());
        assertThat(first.propertyNames()).containsExactly("step", "loss", "lr", "nan", "inf", "ok", "note");
        assertThat(first.get("lr").doubleValue()).isEqualTo(3e-4);
    }

    @Test
    void shouldMakeEachRecordVisibleAsSoonAsItIsWritten() throws IOException {
        try (MetricsLog log = MetricsLog.open(run)) {
            log.record().put("step", 1).put("loss", 0.5).write();

            assertThat(Files.readString(file())).isEqualTo("{\"step\":1,\"loss\":0.5}\n");
            MetricsLog.Record pending = log.record().put("step", 2);
            assertThat(Files.readString(file())).as("a record being built is not in the file")
                    .isEqualTo("{\"step\":1,\"loss\":0.5}\n");
            pending.write();
            log.sync();
            assertThat(lines()).hasSize(2);
        }
    }

    @Test
    void shouldGiveAResumedRunTheLogOfAnUninterruptedOne() throws IOException {
        try (MetricsLog log = MetricsLog.open(run)) {
            log.record().put("run", "tiny").write(); // no step: kept
            for (long step = 1; step <= 10; step++) {
                logStep(log, step);
            }
        }
        byte[] uninterrupted = Files.readAllBytes(file());
        Files.delete(file());

        try (MetricsLog log = MetricsLog.open(run)) {
            log.record().put("run", "tiny").write();
            for (long step = 1; step <= 8; step++) {
                logStep(log, step);
            }
        }
        Files.writeString(file(), "{\"step\":9,\"lo", StandardOpenOption.APPEND); // killed mid-write
        try (MetricsLog log = MetricsLog.resume(run, 6)) { // the last checkpoint was step 6
            assertThat(lines()).last().asString().contains("\"step\":6,\"eval_loss\"");
            for (long step = 7; step <= 10; step++) {
                logStep(log, step);
            }
        }

        assertThat(Files.readAllBytes(file())).isEqualTo(uninterrupted);
    }

    @Test
    void shouldCutATornLastLineWhenOpened() throws IOException {
        Files.writeString(file(), "{\"step\":1}\n{\"step\":2,\"lo");

        try (MetricsLog log = MetricsLog.open(run)) {
            log.record().put("step", 2).write();
        }

        assertThat(lines()).containsExactly("{\"step\":1}", "{\"step\":2}");
    }

    @Test
    void shouldRefuseToResumeADamagedLogNamingFileAndLine() throws IOException {
        Files.writeString(file(), "{\"step\":1}\n{\"step\":2,,}\n{\"step\":3}\n");

        assertThatThrownBy(() -> MetricsLog.resume(run, 1)).isInstanceOf(IOException.class)
                .hasMessageContaining(file().toString()).hasMessageContaining("line 2 is not JSON");
        assertThat(lines()).as("left as it was").hasSize(3);
    }

    @Test
    void shouldDropARecordWithADuplicateKeyAndCarryOn() throws IOException {
        try (MetricsLog log = MetricsLog.open(run)) {
            MetricsLog.Record r = log.record().put("step", 1).put("loss", 1.0);

            assertThatThrownBy(() -> r.put("loss", 2.0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'loss' twice");
            log.record().put("step", 2).write();
        }

        assertThat(lines()).containsExactly("{\"step\":2}");
    }

    @Test
    void shouldRefuseARecordStartedBeforeThePreviousWasWritten() throws IOException {
        try (MetricsLog log = MetricsLog.open(run)) {
            log.record().put("step", 1);

            assertThatThrownBy(log::record).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("previous record was not written");
        }
    }
}
