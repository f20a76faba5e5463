package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void shouldShowFractionCountRateAndEtaOfAStepBudget() {
        ProgressLine p = new ProgressLine("train", 2400, "steps", null, System.out);
        p.update(0, 0, "steps");
        assertThat(p.render(1200, 1200, "steps", 144))
                .isEqualTo("train [##########..........]  50%  1200/2400 steps  8.33 steps/s  ETA 2m24s");
    }

    @Test
    void shouldShowElapsedTimeOfATimeBudgetAndCountOnlyThisProcesssStepsWhenResumed() {
        ProgressLine p = new ProgressLine("train", 1800, "s", null, System.out);
        p.update(0, 500, "steps");   // resumed at step 500
        assertThat(p.render(600, 1100, "steps", 600))
                .isEqualTo("train [#######.............]  33%  1100 steps, 10m00s of 30m00s  1.00 steps/s  ETA 20m00s");
        assertThat(ProgressLine.duration(Double.NaN)).isEqualTo("?");
        assertThat(ProgressLine.duration(7322)).isEqualTo("2h02m");
    }

    @Test
    void shouldTimeTheWorkFromItsFirstUpdateNotTheSetupBeforeIt() {
        ByteArrayOutputStream barBytes = new ByteArrayOutputStream();
        long[] now = {0};
        try (ProgressLine p = new ProgressLine("train", 200, "steps", new PrintStream(barBytes, true,
                StandardCharsets.UTF_8), System.out, () -> now[0])) {
            now[0] = 100_000_000_000L;   // 100 s of setup (models, the buffer's first batches)
            p.update(0, 0, "steps");
            now[0] += 10_000_000_000L;   // then 100 steps in 10 s
            p.update(100, 100, "steps");
            assertThat(barBytes.toString(StandardCharsets.UTF_8)).contains("10.00 steps/s  ETA 10s");
        }
    }

    @Test
    void shouldClearTheBarBeforeEachLogLineAndDrawNothingOffATerminal() {
        ByteArrayOutputStream barBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        PrintStream bar = new PrintStream(barBytes, true, StandardCharsets.UTF_8);
        try (ProgressLine p = new ProgressLine("eval", 10, "steps", bar,
                new PrintStream(outBytes, true, StandardCharsets.UTF_8))) {
            p.update(3, 3, "steps");
            assertThat(barBytes.toString(StandardCharsets.UTF_8)).startsWith("\r\033[Keval [######").contains("30%");
            barBytes.reset();
            p.lines().println("step 3 loss 0.5");
            assertThat(barBytes.toString(StandardCharsets.UTF_8)).isEqualTo("\r\033[K");
            assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEqualTo("step 3 loss 0.5" + System.lineSeparator());
            barBytes.reset();
            p.update(4, 4, "steps");   // redrawn at once after a log line, however soon
            assertThat(barBytes.toString(StandardCharsets.UTF_8)).contains("40%");
        }

        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        PrintStream plainOut = new PrintStream(plain, true, StandardCharsets.UTF_8);
        try (ProgressLine p = new ProgressLine("train", 10, "steps", null, plainOut)) {
            p.update(5, 5, "steps");
            assertThat(p.lines()).isSameAs(plainOut);
        }
        assertThat(plain.size()).isZero();
    }
}
