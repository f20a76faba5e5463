package dev.ida4j.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.checkpoint.Checkpoints;
import dev.ida4j.io.FileSync;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainingRunTest {
    @TempDir
    Path tmp;

    /**
     * A run small enough for CI: tiny batches, a short buffer warm-up, checkpoints every 3 steps and log records
     * every 4, so a resume starts in the middle of a record's steps.
     */
    static LoopConfig tiny(Mode mode, long steps) {
        return LoopConfig.defaults("permutation-powering", mode, 6, steps, 0, 42)
                .with("generationContexts", 4).with("trainContexts", 4).with("minBufferContexts", 8)
                .with("askerInitialBudget", 8).with("askerBatch", 4).with("minAskerBuffer", 4)
                .with("evalContexts", 2).with("logEvery", 4).with("evalEvery", 3).with("checkpointEvery", 3)
                .with("promoteMinBatches", 2).with("startSize", 4);
    }

    private TrainingRun.Summary run(LoopConfig cfg, Path dir, boolean resume) throws IOException {
        try (Backend backend = Backends.create("cpu", 1)) {
            return new TrainingRun(backend, cfg, dir, new PrintStream(new ByteArrayOutputStream())).run(resume);
        }
    }

    /** The metrics without their wall-clock fields. */
    private static List<String> metrics(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll(",\"(questions_per_s|generation_s|train_s|elapsed_s)\":[^,}]*", ""))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldResumeToTheSameBytesAsAnUninterruptedRun(Mode mode) throws IOException {
        Path whole = tmp.resolve("whole");
        Path parts = tmp.resolve("parts");
        run(tiny(mode, 9), whole, false);
        run(tiny(mode, 6), parts, false);
        TrainingRun.Summary resumed = run(tiny(mode, 9), parts, true);

        assertThat(resumed.steps()).isEqualTo(9);
        for (String file : List.of("model.safetensors", "optimizer.safetensors", "replay.safetensors")) {
            assertThat(Files.readAllBytes(parts.resolve("checkpoints/step-9").resolve(file)))
                    .as(file).isEqualTo(Files.readAllBytes(whole.resolve("checkpoints/step-9").resolve(file)));
        }
        assertThat(metrics(parts)).isEqualTo(metrics(whole)).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldComputeTheSameMetricsForTheSameSeed(Mode mode) throws IOException {
        run(tiny(mode, 4), tmp.resolve("a"), false);
        run(tiny(mode, 4), tmp.resolve("b"), false);
        assertThat(metrics(tmp.resolve("a"))).isEqualTo(metrics(tmp.resolve("b")));
        assertThat(Files.readAllBytes(tmp.resolve("a/checkpoints/step-4/model.safetensors")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("b/checkpoints/step-4/model.safetensors")));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldRefuseToStartAFreshRunOverAnExistingOne(Mode mode) throws IOException {
        run(tiny(mode, 3), tmp.resolve("r"), false);
        assertThatThrownBy(() -> run(tiny(mode, 3), tmp.resolve("r"), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds a run");
    }

    @Test
    void shouldStopAtTheStepAStopRequestCameAndCommitItsCheckpoint() throws IOException {
        Path dir = tmp.resolve("r");
        TrainingRun.Summary s;
        try (Backend backend = Backends.create("cpu", 1)) {
            TrainingRun run = new TrainingRun(backend, tiny(Mode.SUPERVISED, 100), dir,
                    new PrintStream(new ByteArrayOutputStream()));
            long[] seen = {0};
            s = run.onStep((step, seconds) -> seen[0] = step).stopWhen(() -> seen[0] >= 4).run(false);
        }
        assertThat(s.interrupted()).isTrue();
        assertThat(s.steps()).isEqualTo(4);
        assertThat(s.saved()).isTrue();
        assertThat(dir.resolve("checkpoints/step-4/state.json")).exists();
        // resumed, it goes on to its end
        assertThat(run(tiny(Mode.SUPERVISED, 6), dir, true).steps()).isEqualTo(6);
    }

    @Test
    void shouldRunItsStepsUnderAHugeTimeBudget() throws IOException {
        // 1e9 minutes in nanoseconds overflows a long: the run used to stop before its first step
        TrainingRun.Summary s = run(tiny(Mode.SUPERVISED, 5).with("minutes", 1e9), tmp.resolve("r"), false);
        assertThat(s.steps()).isEqualTo(5);
        assertThat(s.saved()).isTrue();
    }

    @Test
    void shouldReportThatTheFinalStateIsNotSavedWhenItsCheckpointFails() throws IOException {
        Path dir = tmp.resolve("r");
        boolean[] full = {false};   // the disk fills up after the checkpoint of step 3
        FileSync sync = path -> {
            if (full[0]) {
                throw new IOException("No space left on device (simulated)");
            }
        };
        TrainingRun.Summary s;
        try (Backend backend = Backends.create("cpu", 1)) {
            s = new TrainingRun(backend, tiny(Mode.SUPERVISED, 7), dir, new PrintStream(new ByteArrayOutputStream()))
                    .withCheckpoints(new Checkpoints(backend, sync))
                    .onStep((step, seconds) -> full[0] = step >= 4)
                    .run(false);
        }
        assertThat(s.steps()).isEqualTo(7);
        assertThat(s.saved()).isFalse();
        assertThat(s.savedStep()).isEqualTo(3);
        assertThat(s.saveProblem()).contains("No space left on device (simulated)");
        assertThat(Checkpoints.latest(dir)).hasValueSatisfying(c -> assertThat(c.getFileName()).hasToString("step-3"));
    }
}
