package dev.ida4j.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
                .contains("\"ms\":").contains("\"precision\":\"fp32\"").endsWith("}");
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
    void shouldTimeOneRoundPerInputLineWhenPaired() {
        int code = withStdin("2\n1\n", "bench", "step", "--preset", "tiny-gpt", "--threads", "1", "--warmup", "0",
                "--warmup-seconds", "0", "--paired");
        assertThat(code).isZero();
        var lines = io.out().strip().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("ready");
        assertThat(lines.get(1)).contains("\"steps\":2").containsPattern("\"ms\":\\[[0-9.]+,[0-9.]+\\]");
        assertThat(lines.get(2)).contains("\"steps\":1").containsPattern("\"ms\":\\[[0-9.]+\\]");

        assertThat(withStdin("0\n", "bench", "step", "--threads", "1", "--warmup", "0", "--warmup-seconds", "0",
                "--paired")).isEqualTo(2);
        assertThat(io.err()).contains("--paired: expected a positive number of steps per line, got '0'");
    }

    private static int withStdin(String input, String... args) {
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(UTF_8)));
        try {
            return Main.run(args);
        } finally {
            System.setIn(stdin);
        }
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
    void shouldRunTheReferenceSizedAnswererStep() {
        int code = Main.run("bench", "step", "--preset", "answerer-paper", "--threads", "2", "--steps", "1",
                "--warmup", "0", "--warmup-seconds", "0", "--json");
        assertThat(code).isZero();
        assertThat(io.out().strip()).contains("\"preset\":\"answerer-paper\"").contains("\"questions_per_s\":");
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

    @Test
    void shouldRefuseAPrecisionTheDeviceLacksOrThatDoesNotExistBeforeAnyWork() {
        assertThat(Main.run("bench", "gemm", "--precision", "bf16", "--reps", "1")).isEqualTo(2);
        assertThat(io.err()).contains("precision bf16 needs --device cuda: the cpu backend computes in fp32")
                .doesNotContain("\tat ");
        assertThat(Main.run("bench", "step", "--device", "reference", "--precision", "tf32")).isEqualTo(2);
        assertThat(io.err()).contains("precision tf32 needs --device cuda: the reference backend computes in fp32");
        assertThat(Main.run("bench", "gemm", "--precision", "fp8")).isEqualTo(2);
        assertThat(io.err()).contains("unknown precision 'fp8': expected fp32, tf32, bf16");
        assertThat(io.out()).isEmpty();
    }

    @Test
    void shouldRefuseABadPrecisionForTrainAndEvalBeforeAnyWork(@TempDir Path tmp) {
        Path run = tmp.resolve("run");
        assertThat(Main.run("train", "--steps", "1", "--precision", "bf16", "--out", run.toString())).isEqualTo(2);
        assertThat(io.err()).contains("precision bf16 needs --device cuda: the cpu backend computes in fp32")
                .doesNotContain("\tat ");
        assertThat(run).doesNotExist();
        assertThat(Main.run("train", "--steps", "1", "--precision", "fp8", "--out", run.toString())).isEqualTo(2);
        assertThat(io.err()).contains("--precision fp8: unknown precision 'fp8': expected fp32, tf32, bf16");
        assertThat(Main.run("train", "--resume", run.toString(), "--precision", "fp8")).isEqualTo(2);
        assertThat(io.err()).contains("--precision: unknown precision 'fp8'");
        assertThat(Main.run("eval", "--run", run.toString(), "--out", tmp.resolve("e.jsonl").toString(),
                "--precision", "fp8")).isEqualTo(2);
        assertThat(io.err()).contains("--precision: unknown precision 'fp8'");
        assertThat(run).doesNotExist();
    }
}
