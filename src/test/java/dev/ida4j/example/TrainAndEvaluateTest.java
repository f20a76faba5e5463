package dev.ida4j.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library example runs as written (a few steps instead of 2,000). */
class TrainAndEvaluateTest {
    @TempDir
    Path tmp;

    @Test
    void shouldTrainAndEvaluateThroughThePublicApi() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            TrainAndEvaluate.main(new String[] {tmp.resolve("run").toString(), "6"});
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .containsPattern("after 6 steps: \\d+\\.\\d % of \\d+ fresh questions right, by class \\{depth0=");
        assertThat(tmp.resolve("run/checkpoints/step-6/model.safetensors")).exists();
    }
}
