package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ida4j.backend.cuda.CudaBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device cuda} on a machine without a usable GPU (no driver, no device or no CUDA runtime): every command
 * that takes a device says so in one line naming the reason, exits 1, and prints no stack trace. Skipped where a
 * GPU is present (the GPU tests cover that case).
 */
class NoGpuTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldErr;
    private PrintStream oldOut;
    private String reason;

    @TempDir
    Path tmp;

    @BeforeEach
    void capture() {
        reason = CudaBackend.unavailableReason();
        assumeTrue(reason != null, "a CUDA device is present: the no-GPU path cannot be exercised here");
        oldErr = System.err;
        oldOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        if (oldErr != null) {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    private void assertOneLineNoGpu(String... args) {
        err.reset();
        assertThat(Main.run(args)).as(String.join(" ", args)).isEqualTo(1);
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text.lines()).as(text).singleElement().asString()
                .startsWith("ida4j: --device cuda: no CUDA device (")
                .contains(reason);
    }

    @Test
    void shouldSayNoCudaDeviceInOneLineForEveryCommand() {
        assertOneLineNoGpu("bench", "gemm", "--device", "cuda", "--m", "8", "--n", "8", "--k", "8");
        assertOneLineNoGpu("bench", "step", "--preset", "tiny-gpt", "--device", "cuda", "--steps", "1");
        assertOneLineNoGpu("bench", "step", "--preset", "answerer-small", "--device", "cuda", "--steps", "1");
        assertOneLineNoGpu("bench", "step", "--preset", "gpt2-small", "--device", "cuda", "--precision", "bf16");
        assertOneLineNoGpu("bench", "tree", "--device", "cuda");
        assertOneLineNoGpu("train", "--task", "wildcard-search", "--size", "4", "--steps", "1", "--device", "cuda",
                "--out", tmp.resolve("run-cuda").toString());
        assertOneLineNoGpu("train", "--task", "wildcard-search", "--size", "4", "--steps", "1", "--device", "cuda",
                "--precision", "bf16", "--out", tmp.resolve("run-cuda").toString());
        assertThat(tmp.resolve("run-cuda")).doesNotExist();   // nothing left behind
    }

    @Test
    void shouldSayNoCudaDeviceWhenEvaluatingOnCuda() {
        Path run = tmp.resolve("run");
        assertThat(Main.run("train", "--task", "wildcard-search", "--size", "4", "--steps", "1", "--mode", "noasker",
                "--checkpoint-every", "1", "--out", run.toString())).isZero();
        assertOneLineNoGpu("eval", "--run", run.toString(), "--contexts", "1", "--out",
                tmp.resolve("e.jsonl").toString(), "--device", "cuda");
        assertOneLineNoGpu("eval", "--run", run.toString(), "--contexts", "1", "--out",
                tmp.resolve("e.jsonl").toString(), "--device", "cuda", "--precision", "bf16");
    }

    @Test
    void shouldNameTheInsufficientDriverWhenTheRuntimeIsThereButNoDriver() {
        // the runtime library is found (CUDA toolkit) but there is no driver: cudaGetDeviceCount's error 35
        assumeTrue(reason.startsWith("cudaGetDeviceCount: error 35"), "this machine fails differently: " + reason);
        assertThat(reason).isEqualTo("cudaGetDeviceCount: error 35 cudaErrorInsufficientDriver,"
                + " CUDA driver version is insufficient for CUDA runtime version");
    }
}
