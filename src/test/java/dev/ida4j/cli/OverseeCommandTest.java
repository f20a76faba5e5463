package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.human.TranscriptRecord;
import dev.ida4j.human.journal.Journal;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Mode;
import dev.ida4j.loop.TrainingRun;
import dev.ida4j.task.Tasks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverseeCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;
    private InputStream oldIn;
    @TempDir
    Path tmp;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        oldIn = System.in;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        System.setIn(oldIn);
    }

    private int oversee(String stdin, String... args) {
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        String[] all = new String[args.length + 1];
        all[0] = "oversee";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.run(all);
    }

    /** A one-step amplification run on permutation-powering at size 4, with buffers small enough to fill fast. */
    static Path tinyRun(Path dir) throws Exception {
        LoopConfig cfg = LoopConfig.defaults("permutation-powering", Mode.AMPLIFICATION, 4, 1, 0, 1)
                .with("minBufferContexts", 8).with("askerInitialBudget", 16).with("minAskerBuffer", 16)
                .with("askerBatch", 8).with("evalContexts", 4);
        try (Backend backend = BenchCommand.backend("cpu", 1)) {
            new TrainingRun(backend, cfg, dir, new PrintStream(OutputStream.nullOutputStream())).run(false);
        }
        return dir;
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldOverseeInTheConsoleFromStandardInput() throws Exception {
        Path journal = tmp.resolve("j/transcripts.journal");
        assertThat(oversee("ab ^ 64\n\nanswer ?\nquit\n", "--console", "--journal", journal.toString(),
                "--seed", "3")).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("permutation-powering, size 8, human mode").contains("question 1: ")
                .contains("ground truth").contains("'ab ^ 64'").contains("saved as record #0: ? is wrong (truth ")
                .contains("question 2: ");
        assertThat(Journal.read(journal)).hasSize(1);
    }

    @Test
    void shouldRejectBadUsageWithExitTwoAndOneLine() throws Exception {
        assertThat(oversee("", "--mode", "assisted")).isEqualTo(2);
        assertThat(err()).contains("--mode assisted needs --run DIR");
        assertThat(oversee("", "--mode", "magic")).isEqualTo(2);
        assertThat(err()).contains("'magic'").contains("human, assisted, approval");
        assertThat(oversee("", "--task", "nope")).isEqualTo(2);
        assertThat(oversee("", "--size", "65")).isEqualTo(2);
        assertThat(err()).contains("65");
        assertThat(oversee("", "--port", "70000")).isEqualTo(2);
        assertThat(oversee("", "--bind", "example.com")).isEqualTo(2);
        assertThat(err()).contains("'example.com' is not an IP address");
        assertThat(err()).doesNotContain("\tat ");
        assertThat(err().lines()).hasSize(6);
        assertThat(oversee("", "--run", tmp.resolve("absent").toString())).as("a missing run, as eval").isEqualTo(1);
        assertThat(err().lines()).hasSize(7).last().asString().contains("absent");
    }

    @Test
    void shouldRefuseACorruptedJournalNamingTheOffset() throws Exception {
        Path journal = tmp.resolve("transcripts.journal");
        try (Journal j = Journal.open(journal)) {
            j.append("a", "{}");
            j.append("b", "{}");
        }
        byte[] bytes = Files.readAllBytes(journal);
        bytes[10] ^= 1;
        Files.write(journal, bytes);
        assertThat(oversee("quit\n", "--console", "--journal", journal.toString())).isEqualTo(1);
        assertThat(err()).contains("byte offset 8 is corrupted").doesNotContain("\tat ");
        assertThat(err().strip().lines()).hasSize(1);
    }

    @Test
    void shouldOverseeWithATrainedRunsModelAndH2InAssistedAndApprovalModes() throws Exception {
        Path run = tinyRun(tmp.resolve("run"));
        assertThat(oversee("\nanswer ?\nquit\n", "--run", run.toString(), "--mode", "assisted", "--console",
                "--seed", "1")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("H′ proposes to ").contains("model X of " + run)
                .contains("saved as record #0");
        assertThat(oversee("y\ny\ny\ny\nquit\n", "--run", run.toString(), "--mode", "approval", "--console",
                "--seed", "2")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("saved as record #1");
        var entries = Journal.read(run.resolve("transcripts.journal"));
        assertThat(entries).hasSize(2);
        TranscriptRecord assisted = TranscriptRecord.fromJson(entries.get(0).payload());
        assertThat(assisted.mode()).isEqualTo("assisted");
        assertThat(assisted.answerProposed()).isNotNull();
        assertThat(assisted.answerVerdict()).isIn("accepted", "edited");
        TranscriptRecord approved = TranscriptRecord.fromJson(entries.get(1).payload());
        assertThat(approved.steps()).hasSize(3).allSatisfy(s -> assertThat(s.verdict()).isEqualTo("approved"));
        assertThat(approved.answerVerdict()).isEqualTo("approved");
        // what H′ wrote, malformed or not, reads back as tokens for H′'s buffer
        assertThat(approved.toTranscript(Tasks.byName("permutation-powering")).isDone()).isTrue();
        // the person's transcripts, exported, train H′ when the run resumes
        Path jsonl = tmp.resolve("human.jsonl");
        assertThat(oversee("", "--run", run.toString(), "--export", jsonl.toString())).isZero();
        assertThat(Files.readAllLines(jsonl)).hasSize(2);
        assertThat(Main.run("train", "--resume", run.toString(), "--steps", "2", "--transcripts", jsonl.toString()))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("fed 2 human transcripts into H′'s buffer, counted as H calls");
        Files.writeString(tmp.resolve("bad.jsonl"), "{\"id\":\"x\"}\n");
        assertThat(Main.run("train", "--resume", run.toString(), "--steps", "3", "--transcripts",
                tmp.resolve("bad.jsonl").toString())).isEqualTo(2);
        assertThat(err()).contains("bad.jsonl:1: not a transcript record");
        assertThat(oversee("", "--run", run.toString(), "--task", "union-find")).isEqualTo(2);
        assertThat(err()).contains("differs from the run's task permutation-powering");
    }
}
