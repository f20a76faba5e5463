package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MainTest {
    @RegisterExtension
    final StdStreams io = new StdStreams();

    @Test
    void shouldPrintOneJsonLineForBenchGemm() {
        int code = Main.run("bench", "gemm", "--m", "33", "--n", "17", "--k", "65", "--threads", "2", "--reps", "3",
                "--json");
        assertThat(code).isZero();
        String line = io.out().strip();
        assertThat(line.lines()).hasSize(1);
        assertThat(line).startsWith("{\"bench\":\"gemm\"").contains("\"m\":33").contains("\"gflops\":")
                .contains("\"ms\":").endsWith("}");
    }

    @Test
    void shouldPrintTokensPerSecondForBenchStep() {
        int code = Main.run("bench", "step", "--preset", "tiny-gpt", "--threads", "2", "--steps", "1", "--warmup", "0",
                "--warmup-seconds", "0", "--json");
        assertThat(code).isZero();
        assertThat(io.out().strip()).startsWith("{\"bench\":\"step\"").contains("\"tokens_per_s\":")
                .contains("\"ms_per_step\":").contains("\"preset\":\"tiny-gpt\"");
    }

    @Test
    void shouldPrintQuestionsAndTokensPerSecondForTheAnswererStep() {
        int code = Main.run("bench", "step", "--preset", "answerer-small", "--threads", "1", "--steps", "1",
                "--warmup", "0", "--warmup-seconds", "0", "--json");
        assertThat(code).isZero();
        assertThat(io.out().strip()).startsWith("{\"bench\":\"step\"").contains("\"preset\":\"answerer-small\"")
                .contains("\"questions_per_s\":").contains("\"tokens_per_s\":").contains("\"contexts\":50");
    }

    @Test
    void shouldExitWithTwoAndOneLineOnBadUsage() {
        assertThat(Main.run("bench", "step", "--preset", "nope")).isEqualTo(2);
        assertThat(io.err()).contains("unknown preset 'nope'").doesNotContain("\tat ");
        assertThat(Main.run("bench", "gemm", "--device", "tpu")).isEqualTo(2);
        assertThat(io.err()).contains("unknown device 'tpu': expected cpu, reference or cuda");
        assertThat(Main.run("bench", "gemm", "--m", "x")).isEqualTo(2);
        assertThat(Main.run("frobnicate")).isEqualTo(2);
    }
}
