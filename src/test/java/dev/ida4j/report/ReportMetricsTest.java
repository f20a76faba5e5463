package dev.ida4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.io.MetricsLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMetricsTest {
    @TempDir
    Path run;

    private RunMetrics read(String text) throws IOException {
        Files.writeString(run.resolve(MetricsLog.FILE), text, StandardCharsets.UTF_8);
        return RunMetrics.read(run);
    }

    @Test
    void shouldSeparateTrainingRecordsFromEvaluations() throws IOException {
        RunMetrics m = read("""
                {"step":10,"size":4,"loss_x":2.5,"accuracy_teacher":0.1}
                {"step":20,"size":5,"loss_x":1.5,"accuracy_teacher":0.3}
                {"step":20,"eval_size":8,"eval_accuracy":0.25,"eval_class/b":0.5,"eval_class/a":0.0}
                {"step":30,"size":5,"loss_x":1.0,"accuracy_teacher":0.4}
                """);
        assertThat(m.training("loss_x").steps()).containsExactly(10, 20, 30);
        assertThat(m.training("loss_x").values()).containsExactly(2.5, 1.5, 1.0);
        assertThat(m.evaluation("eval_accuracy").steps()).containsExactly(20);
        assertThat(m.training("eval_accuracy").isEmpty()).isTrue();
        assertThat(m.evalClasses()).containsExactly("a", "b");
        assertThat(m.classAccuracy("b").values()).containsExactly(0.5);
        assertThat(m.lastStep()).isEqualTo(30);
    }

    @Test
    void shouldLeaveOutNullAndAbsentFieldsAndNonNumbers() throws IOException {
        RunMetrics m = read("""
                {"step":10,"loss_x":null,"accuracy_teacher":0.1,"note":"warm-up","flag":true}
                {"step":20,"loss_x":1.5}
                {"step":30,"eval_size":4,"eval_accuracy":null,"eval_class/a":1.0}
                {"note":"no step: not a record of the run"}
                """);
        assertThat(m.training("loss_x").steps()).containsExactly(20);
        assertThat(m.training("accuracy_teacher").steps()).containsExactly(10);
        assertThat(m.training("note").isEmpty()).isTrue();
        assertThat(m.training("flag").isEmpty()).isTrue();
        assertThat(m.evaluation("eval_accuracy").isEmpty()).isTrue();
        assertThat(m.classAccuracy("a").steps()).containsExactly(30);
        assertThat(m.training("h_calls").last()).isNaN();
    }

    @Test
    void shouldLeaveOutATornLastLine() throws IOException {
        RunMetrics m = read("{\"step\":10,\"loss_x\":2.5}\n{\"step\":20,\"loss_x\":1.");
        assertThat(m.training("loss_x").steps()).containsExactly(10);
    }

    @Test
    void shouldNameFileAndLineOfACorruptLine() throws IOException {
        Files.writeString(run.resolve(MetricsLog.FILE), "{\"step\":10}\n{\"step\":20}\n{\"step\":3x}\n{\"step\":40}\n");
        assertThatThrownBy(() -> RunMetrics.read(run)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(run.resolve("metrics.jsonl") + ": line 3 is not JSON");
    }

    @Test
    void shouldRefuseALineThatIsNotAnObject() throws IOException {
        Files.writeString(run.resolve(MetricsLog.FILE), "{\"step\":10}\n[1,2]\n");
        assertThatThrownBy(() -> RunMetrics.read(run)).hasMessage(run.resolve("metrics.jsonl")
                + ": line 2 is not a JSON object");
        Files.writeString(run.resolve(MetricsLog.FILE), "{\"step\":10}\n\n");
        assertThatThrownBy(() -> RunMetrics.read(run)).hasMessageContaining("line 2");
    }

    @Test
    void shouldNameTheMissingLog() {
        assertThatThrownBy(() -> RunMetrics.read(run)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(run.resolve("metrics.jsonl") + " does not exist");
    }

    @Test
    void shouldLetAStepThatGoesBackReplaceTheRecordsFromThere() throws IOException {
        // a log resumed from step 20 without being cut back: the second session's records win from step 20 on
        RunMetrics m = read("""
                {"step":10,"loss_x":3.0,"elapsed_s":1.0}
                {"step":20,"loss_x":2.0,"elapsed_s":2.0}
                {"step":20,"eval_size":4,"eval_accuracy":0.1}
                {"step":30,"loss_x":1.0,"elapsed_s":3.0}
                {"step":20,"loss_x":2.2,"elapsed_s":0.5}
                {"step":20,"eval_size":4,"eval_accuracy":0.2}
                {"step":30,"loss_x":1.2,"elapsed_s":1.5}
                """);
        assertThat(m.training("loss_x").steps()).containsExactly(10, 20, 30);
        assertThat(m.training("loss_x").values()).containsExactly(3.0, 2.2, 1.2);
        assertThat(m.evaluation("eval_accuracy").values()).containsExactly(0.2);
        assertThat(m.wallSeconds()).isEqualTo(1.0 + 1.5);
    }

    @Test
    void shouldAddUpTheSessionsOfAResumedRun() throws IOException {
        // what MetricsLog itself leaves: cut back to the checkpoint's step 20, then the resumed session's records
        try (MetricsLog log = MetricsLog.open(run)) {
            for (int step = 10; step <= 40; step += 10) {
                log.record().put("step", step).put("loss_x", 4.0 - step / 10).put("elapsed_s", step / 10.0).write();
            }
        }
        try (MetricsLog log = MetricsLog.resume(run, 20)) {
            log.record().put("step", 30).put("loss_x", 0.5).put("elapsed_s", 0.25).write();
        }
        RunMetrics m = RunMetrics.read(run);
        assertThat(m.training("loss_x").steps()).containsExactly(10, 20, 30);
        assertThat(m.training("loss_x").values()).containsExactly(3.0, 2.0, 0.5);
        assertThat(m.wallSeconds()).isEqualTo(2.0 + 0.25);
        assertThat(m.lastStep()).isEqualTo(30);
    }

    @Test
    void shouldSumCountsAndKeepPositiveValues() {
        Series s = new Series(new double[] {10, 20, 30}, new double[] {5, 0, 7});
        assertThat(s.cumulative().values()).containsExactly(5, 5, 12);
        assertThat(s.positive().steps()).containsExactly(10, 30);
        assertThat(s.last()).isEqualTo(7);
        assertThat(new Series(new double[0], new double[0]).last()).isNaN();
    }
}
