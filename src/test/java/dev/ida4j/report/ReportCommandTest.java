package dev.ida4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.cli.Main;
import dev.ida4j.cli.StdStreams;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ida4j report} on runs written by hand: exit codes, error lines, and the files of a report. */
class ReportCommandTest {
    @RegisterExtension
    final StdStreams io = new StdStreams();
    @TempDir
    Path dir;

    /** A run directory holding only a log: 10 training records, an evaluation every 50 steps. */
    private Path run(String name, double learningRate) throws IOException {
        Path run = Files.createDirectories(dir.resolve(name));
        StringBuilder log = new StringBuilder();
        for (int step = 10; step <= 100; step += 10) {
            double acc = Math.min(1, learningRate * step);
            log.append("{\"step\":").append(step).append(",\"round\":").append(step / 2).append(",\"size\":4,"
                    + "\"loss_x\":").append(3.0 / step).append(",\"accuracy_teacher\":").append(acc)
                    .append(",\"accuracy_targets\":").append(Math.min(1, acc + 0.1))
                    .append(",\"targets_generated\":64,\"questions_per_s\":1000.0,\"elapsed_s\":").append(step / 10.0)
                    .append("}\n");
            if (step % 50 == 0) {
                log.append("{\"step\":").append(step).append(",\"eval_size\":4,\"eval_accuracy\":").append(acc)
                        .append(",\"eval_class/bits2\":").append(acc).append(",\"eval_class/bits3\":")
                        .append(acc / 2).append("}\n");
            }
        }
        Files.writeString(run.resolve("metrics.jsonl"), log);
        return run;
    }

    @Test
    void shouldWriteAPageWithEveryPlotAsPngAndSvg() throws IOException {
        Path a = run("a", 0.004);
        Path b = run("b", 0.009);
        Path report = dir.resolve("cmp");
        assertThat(Main.run("report", a.toString(), b.toString(), "--out", report.toString())).isZero();
        String html = Files.readString(report.resolve("report.html"));
        assertThat(html).startsWith("<!doctype html>").contains("<table>").doesNotContain("<script")
                .doesNotContain("http://").doesNotContain("https://");
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\\.png\" width=\"(\\d+)\"").matcher(html);
        List<String> names = img.results().map(m -> m.group(1)).toList();
        // no checkpoint, so no mode: what counts as a call to H is unknown, and nothing is drawn for it
        assertThat(names).containsExactly("accuracy", "classes-run1", "classes-run2", "curriculum", "loss-x",
                "throughput");
        for (String name : names) {
            BufferedImage png = ImageIO.read(report.resolve(name + ".png").toFile());
            assertThat(png).as(name).isNotNull();
            assertThat(png.getWidth()).isGreaterThan(400);
            String svg = Files.readString(report.resolve(name + ".svg"));
            assertThat(svg).as(name).contains("<svg").contains("<path");
            assertThat(html).contains("<a href=\"" + name + ".svg\">");
        }
        // without checkpoints the runs are named by their directories, and the report says why
        assertThat(io.err()).contains("ida4j report: " + a + ": task, mode and configuration unknown");
        assertThat(html).contains("configuration unknown").contains("<td>a<br>");
    }

    @Test
    void shouldWriteIntoAFolderOfTheRunDirectoryForOneRun() throws IOException {
        Path a = run("a", 0.004);
        assertThat(Main.run("report", a.toString())).isZero();
        assertThat(a.resolve("report/report.html")).exists();
        assertThat(a.resolve("report/accuracy.png")).exists();
        assertThat(a.resolve("report/classes.svg")).exists();
        try (var files = Files.list(a)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".png") || n.endsWith(".svg") || n.endsWith(".html"));
        }
    }

    @Test
    void shouldRefuseAnOutThatIsAFile() throws IOException {
        Path a = run("a", 0.004);
        Path file = Files.writeString(dir.resolve("passwd"), "root:x:0:0\n");
        assertThat(Main.run("report", a.toString(), "--out", file.toString())).isEqualTo(2);
        assertThat(io.err().strip()).isEqualTo("ida4j: --out " + file + " is a file: the report needs a folder");
        assertThat(Files.readString(file)).isEqualTo("root:x:0:0\n");
    }

    @Test
    void shouldExitWithOneAndOneLineForAMissingRun() {
        Path missing = dir.resolve("nope");
        assertThat(Main.run("report", missing.toString())).isEqualTo(1);
        assertThat(io.err().strip()).isEqualTo("ida4j: " + missing + ": no such run directory");
    }

    @Test
    void shouldExitWithOneNamingTheLogWhenItIsAbsentOrDamaged() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(Main.run("report", empty.toString())).isEqualTo(1);
        assertThat(io.err()).startsWith("ida4j: " + empty.resolve("metrics.jsonl") + " does not exist");
        io.resetErr();
        Path a = run("a", 0.004);
        Files.writeString(a.resolve("metrics.jsonl"), "{\"step\":110,\"loss_x\":}\n", StandardOpenOption.APPEND);
        assertThat(Main.run("report", a.toString())).isEqualTo(1);
        assertThat(io.err()).startsWith("ida4j: " + a.resolve("metrics.jsonl") + ": line 13 is not JSON")
                .doesNotContain("\tat ");
        assertThat(io.err().strip().lines()).hasSize(1);
        assertThat(a.resolve("report/report.html")).doesNotExist();
    }

    @Test
    void shouldExitWithTwoOnBadUsage() throws IOException {
        assertThat(Main.run("report")).isEqualTo(2);
        Path a = run("a", 0.004);
        Path b = run("b", 0.009);
        assertThat(Main.run("report", a.toString(), b.toString())).isEqualTo(2);
        assertThat(io.err()).contains("ida4j: comparing 2 runs: say where the report goes with --out DIR");
        assertThat(a.resolve("report.html")).doesNotExist();
    }

    @Test
    void shouldCountTheCallsToHThatTrainPrintedAndDrawTheirShortRangeWithLabels() throws IOException {
        Path run = dir.resolve("amp");
        // 3 steps, logged at step 2: the last calls to H are in the final evaluation's record, at step 3
        assertThat(Main.run("train", "--task", "union-find", "--size", "8", "--steps", "3", "--log-every", "2",
                "--eval-every", "100", "--out", run.toString())).isZero();
        Matcher done = Pattern.compile("^done: 3 steps, .*, (\\d+) H calls$", Pattern.MULTILINE).matcher(io.out());
        assertThat(done.find()).as(io.out()).isTrue();
        long calls = Long.parseLong(done.group(1));
        assertThat(Main.run("report", run.toString())).isZero();
        String html = Files.readString(run.resolve("report/report.html"));
        assertThat(html).contains(String.format(java.util.Locale.ROOT, "%,d H calls", calls));
        // a few hundred calls span less than a decade: a linear axis (a logarithmic one had no labelled tick)
        assertThat(html).contains("ground-truth labels instead (dashed). <a href=\"h-calls.svg\">");
        // union-find has more question classes than the palette has colours: the later ones are drawn dashed
        String classes = Files.readString(run.resolve("report/classes.svg"));
        assertThat(classes).contains("stroke-dasharray");
    }
}
