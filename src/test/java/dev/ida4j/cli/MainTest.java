package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintOneJsonLineForBenchGemm() {
        int code = Main.run("bench", "gemm", "--m", "33", "--n", "17", "--k", "65", "--threads", "2", "--reps", "3",
                "--json");
        assertThat(code).isZero();
        String line = out().strip();
        assertThat(line.lines()).hasSize(1);
        assertThat(line).startsWith("{\"bench\":\"gemm\"").contains("\"m\":33").contains("\"gflops\":")
                .contains("\"ms\":").endsWith("}");
    }

    @Test
    void shouldPrintTokensPerSecondForBenchStep() {
        int code = Main.run("bench", "step", "--preset", "tiny-gpt", "--threads", "2", "--steps", "1", "--warmup", "0",
                "--warmup-seconds", "0", "--json");
        assertThat(code).isZero();
        assertThat(out().strip()).startsWith("{\"bench\":\"step\"").contains("\"tokens_per_s\":")
                .contains("\"ms_per_step\":").contains("\"preset\":\"tiny-gpt\"");
    }

    @Test
    void shouldPrintQuestionsAndTokensPerSecondForTheAnswererStep() {
        int code = Main.run("bench", "step", "--preset", "answerer-small", "--threads", "1", "--steps", "1",
                "--warmup", "0", "--warmup-seconds", "0", "--json");
        assertThat(code).isZero();
        assertThat(out().strip()).startsWith("{\"bench\":\"step\"").contains("\"preset\":\"answerer-small\"")
                .contains("\"questions_per_s\":").contains("\"tokens_per_s\":").contains("\"contexts\":50");
    }

    @Test
    void shouldExitWithTwoAndOneLineOnBadUsage() {
        assertThat(Main.run("bench", "step", "--preset", "nope")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown preset 'nope'").doesNotContain("\tat ");
        assertThat(Main.run("bench", "gemm", "--device", "tpu")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown device 'tpu': expected cpu, reference or cuda");
        assertThat(Main.run("bench", "gemm", "--m", "x")).isEqualTo(2);
        assertThat(Main.run("frobnicate")).isEqualTo(2);
    }
}
