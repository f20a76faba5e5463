package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.checkpoint.Checkpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ida4j train} in a child process, stopped by real signals (reliability checklist: interrupts): Ctrl-C and
 * SIGTERM finish the step, commit a checkpoint, say how to continue and exit 130 / 143; a second Ctrl-C quits at once.
 */
class TrainInterruptTest {
    @RegisterExtension
    final StdStreams io = new StdStreams();
    @TempDir
    Path tmp;

    /** A child {@code ida4j train} of many steps, none checkpointed on schedule, a log line per step. */
    private static Process train(Path dir, String... extra) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--task", "wildcard-search", "--mode", "supervised", "--steps",
                "100000", "--checkpoint-every", "100000", "--eval-every", "100000", "--log-every", "1", "--out",
                dir.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).start();
    }

    /** Reads the child's standard output until its first step's row in the log. */
    private static BufferedReader afterFirstStep(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); ; line = out.readLine()) {
            assertThat(line).as("the child's output before its first step").isNotNull();
            if (line.matches(" +\\d+ +\\d+ .*")) {   // a row of the step table
                return out;
            }
        }
    }

    private static void signal(Process p, String name) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor()).isZero();
    }

    private static String rest(Process p, BufferedReader out) throws IOException, InterruptedException {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("exited").isTrue();
        StringBuilder sb = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            sb.append(line).append('\n');
        }
        return sb + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldCommitACheckpointOnCtrlCAndResumeFromIt() throws Exception {
        Path dir = tmp.resolve("run");
        Process p = train(dir, "--size", "4");
        BufferedReader out = afterFirstStep(p);
        signal(p, "INT");
        String rest = rest(p, out);

        assertThat(p.exitValue()).as(rest).isEqualTo(130);
        assertThat(rest).contains("interrupted: finishing this step and saving a checkpoint")
                .containsPattern("stopped at step \\d+, saved in its checkpoint; continue with: ida4j train --resume ")
                .doesNotContain("\tat ");
        Path latest = Checkpoints.latest(dir).orElseThrow();
        long step = Long.parseLong(latest.getFileName().toString().substring("step-".length()));
        assertThat(rest).contains("stopped at step " + step + ",");
        assertThat(step).isPositive();

        assertThat(Main.run("train", "--resume", dir.toString(), "--steps", Long.toString(step + 2))).isZero();
        assertThat(io.out()).contains("resumed from").contains("done: " + (step + 2) + " steps");
    }

    @Test
    void shouldCommitACheckpointOnSigterm() throws Exception {
        Path dir = tmp.resolve("run");
        Process p = train(dir, "--size", "4");
        BufferedReader out = afterFirstStep(p);
        signal(p, "TERM");   // as a scheduler's preemption
        String rest = rest(p, out);

        assertThat(p.exitValue()).as(rest).isEqualTo(143);
        assertThat(rest).contains("SIGTERM received: finishing this step").contains("stopped at step");
        assertThat(Checkpoints.latest(dir)).isPresent();
    }

    @Test
    void shouldQuitAtOnceOnASecondCtrlC() throws Exception {
        Path dir = tmp.resolve("run");
        // steps of the paper-size model take long enough that both signals come within one step
        Process p = train(dir, "--size", "8", "--preset", "paper", "--batch", "50");
        BufferedReader out = afterFirstStep(p);
        signal(p, "INT");
        Thread.sleep(100);
        signal(p, "INT");
        String rest = rest(p, out);

        assertThat(p.exitValue()).as(rest).isEqualTo(130);
        assertThat(rest).contains("interrupted again: quitting at once").doesNotContain("stopped at step");
        assertThat(Checkpoints.latest(dir)).isEmpty();
    }
}
