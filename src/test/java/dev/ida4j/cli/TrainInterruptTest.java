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

    /**
     * A child {@code ida4j train} of many steps, none checkpointed on schedule, a log line per step. It starts with
     * SIGINT's default disposition even where this JVM inherited it ignored (as a job started in the background by a
     * non-interactive shell does, or under nohup), which a child would inherit and which no Java code can undo: Perl
     * (essential on Debian) resets it before it runs the JVM.
     */
    private static Process train(Path dir, String... extra) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die",
                java.toString(), "--add-modules", "jdk.incubator.vector",
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

    /** A stream read to its end on a thread of its own, line by line, into {@code text}. */
    private record Drain(Thread thread, StringBuffer text) {
        static Drain of(BufferedReader in) {
            StringBuffer text = new StringBuffer();
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        text.append(line).append('\n');
                    }
                } catch (IOException e) {
                    text.append("(reading the child's output failed: ").append(e).append(")\n");
                }
            });
            return new Drain(t, text);
        }

        static Drain errorsOf(Process p) {
            return of(new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8)));
        }
    }

    /**
     * The child's output until it exits, its standard output read while it runs: a child that logs a row per step
     * would otherwise fill the pipe and block before it sees the signal. A child still running after 120 s is killed.
     */
    private static String rest(Process p, BufferedReader out, Drain err) throws InterruptedException {
        Drain rest = Drain.of(out);
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        rest.thread().join();
        err.thread().join();
        String all = rest.text() + "" + err.text();
        assertThat(exited).as("exited: " + all).isTrue();
        return all;
    }

    @Test
    void shouldCommitACheckpointOnCtrlCAndResumeFromIt() throws Exception {
        Path dir = tmp.resolve("run");
        Process p = train(dir, "--size", "4");
        Drain err = Drain.errorsOf(p);
        BufferedReader out = afterFirstStep(p);
        signal(p, "INT");
        String rest = rest(p, out, err);

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
        Drain err = Drain.errorsOf(p);
        BufferedReader out = afterFirstStep(p);
        signal(p, "TERM");   // as a scheduler's preemption
        String rest = rest(p, out, err);

        assertThat(p.exitValue()).as(rest).isEqualTo(143);
        assertThat(rest).contains("SIGTERM received: finishing this step").contains("stopped at step");
        assertThat(Checkpoints.latest(dir)).isPresent();
    }

    @Test
    void shouldQuitAtOnceOnASecondCtrlC() throws Exception {
        Path dir = tmp.resolve("run");
        // steps of the paper-size model take long enough that both signals come within one step
        Process p = train(dir, "--size", "8", "--preset", "paper", "--batch", "50");
        Drain err = Drain.errorsOf(p);
        BufferedReader out = afterFirstStep(p);
        signal(p, "INT");
        // the second only once the first was handled: two signals pending at once would be delivered as one
        for (int i = 0; i < 300 && !err.text().toString().contains("interrupted: "); i++) {
            Thread.sleep(100);
        }
        signal(p, "INT");
        String rest = rest(p, out, err);

        assertThat(p.exitValue()).as(rest).isEqualTo(130);
        assertThat(rest).contains("interrupted again: quitting at once").doesNotContain("stopped at step");
        assertThat(Checkpoints.latest(dir)).isEmpty();
    }
}
