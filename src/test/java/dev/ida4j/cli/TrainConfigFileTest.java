package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Mode;
import dev.ida4j.loop.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigFileTest {
    @RegisterExtension
    final StdStreams io = new StdStreams();
    @TempDir
    Path tmp;

    private Path file(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void shouldTakeSettingsFromTheFileLetFlagsOverrideAndWriteTheResolvedConfig() throws IOException {
        Path run = tmp.resolve("run");
        Path cfg = file("run.toml", """
                # a small noasker run
                task = "wildcard-search"
                mode = "noasker"
                size = 4
                steps = 2
                lr = 0.002          # overridden below
                ema-horizon = 7
                "log-every" = 1
                checkpoint-every = 1
                buffer-contexts = 300
                min-buffer-contexts = 200
                subanswer-error-rate = 0.25
                out = "%s"
                """.formatted(run.toString().replace("\\", "\\\\")));
        assertThat(Main.run("train", "--config", cfg.toString(), "--lr", "0.003", "--seed", "9", "--tensorboard"))
                .isZero();
        try (var events = Files.list(run.resolve("tensorboard"))) {
            assertThat(events.map(p -> p.getFileName().toString()).toList()).singleElement().asString()
                    .startsWith("events.out.tfevents.");
        }

        LoopConfig c = RunDirectory.config(run);
        assertThat(c.taskName()).isEqualTo("wildcard-search");
        assertThat(c.mode()).isEqualTo(Mode.NOASKER);
        assertThat(c.size()).isEqualTo(4);
        assertThat(c.steps()).isEqualTo(2);
        assertThat(c.minutes()).isZero();
        assertThat(c.lr()).isEqualTo(0.003f);
        assertThat(c.seed()).isEqualTo(9);
        assertThat(c.emaHorizon()).isEqualTo(7);
        assertThat(c.logEvery()).isEqualTo(1);
        assertThat(c.bufferContexts()).isEqualTo(300);
        assertThat(c.minBufferContexts()).isEqualTo(200);
        assertThat(c.subanswerErrorRate()).isEqualTo(0.25);
        assertThat(c.trainContexts()).isEqualTo(16);   // untouched: the default

        // the written config.toml alone reproduces the run's config
        Path written = run.resolve("config.toml");
        assertThat(Files.readString(written)).contains("lr = 0.003").contains("mode = 'noasker'")
                .contains("ema-horizon = 7").contains("device = 'cpu'").contains("tensorboard = true")
                .doesNotContain("minutes").doesNotContain("precision");
        Path rerun = tmp.resolve("rerun");
        assertThat(Main.run("train", "--config", written.toString(), "--out", rerun.toString())).isZero();
        assertThat(RunDirectory.config(rerun)).isEqualTo(c);
        assertThat(Files.readString(rerun.resolve("config.toml"))).isEqualTo(Files.readString(written));
    }

    /** A run bounded by time generates on worker threads where there are cores for them; by steps, never. */
    @Test
    void shouldGenerateOnWorkersByDefaultOnlyInATimedRunOnSeveralCores() {
        int timed = Runtime.getRuntime().availableProcessors() >= 2 ? TrainSettings.TIMED_GENERATION_WORKERS : 0;
        assertThat(workers(Map.of("minutes", 1.5))).isEqualTo(timed);
        assertThat(workers(Map.of("minutes", 1.5, "mode", "noasker"))).isEqualTo(timed);
        assertThat(workers(Map.of())).as("the demo: 5 minutes").isEqualTo(timed);
        assertThat(workers(Map.of("steps", 40))).isZero();
        assertThat(workers(Map.of("minutes", 1.5, "mode", "supervised"))).isZero();
        assertThat(workers(Map.of("minutes", 1.5, "generation-workers", 0))).as("chosen").isZero();
        assertThat(workers(Map.of("minutes", 1.5, "generation-workers", 3))).as("chosen").isEqualTo(3);
    }

    private static int workers(Map<String, Object> flags) {
        Map<String, TrainSettings.Setting> settings = new LinkedHashMap<>();
        flags.forEach((k, v) -> settings.put(k, TrainSettings.flag(k, v)));
        List<String> problems = new ArrayList<>();
        TrainSettings.Resolved r = TrainSettings.resolve(settings, problems);
        assertThat(problems).isEmpty();
        return r.config().generationWorkers();
    }

    @Test
    void shouldStartFromTheRecipeAndLetTheOtherSettingsChangeIt() {
        Map<String, TrainSettings.Setting> settings = new LinkedHashMap<>();
        settings.put("recipe", TrainSettings.flag("recipe", "reference"));
        settings.put("task", TrainSettings.flag("task", "union-find"));
        settings.put("size", TrainSettings.flag("size", 16));
        settings.put("lr", TrainSettings.flag("lr", 1e-4f));
        List<String> problems = new ArrayList<>();
        LoopConfig c = TrainSettings.resolve(settings, problems).config();
        assertThat(problems).isEmpty();
        assertThat(c).isEqualTo(LoopConfig.reference("union-find", Mode.AMPLIFICATION, 16, 0, 5, 1)
                .with("lr", 1e-4f).with("generationWorkers", c.generationWorkers()));

        settings.put("recipe", TrainSettings.flag("recipe", "fast"));
        assertThat(TrainSettings.resolve(settings, problems)).isNull();
        assertThat(problems).singleElement().asString()
                .isEqualTo("--recipe fast: is not a recipe; valid: default, reference");
    }

    @Test
    void shouldTurnTheLevelCurriculumOffAndSetTheStartSizeFromFlags() throws IOException {
        Path run = tmp.resolve("flags");
        assertThat(Main.run("train", "--task", "wildcard-search", "--mode", "noasker", "--size", "6", "--steps", "1",
                "--no-level-curriculum", "--start-size", "4", "--out", run.toString())).isZero();
        LoopConfig c = RunDirectory.config(run);
        assertThat(c.levelCurriculum()).isFalse();
        assertThat(c.startSize()).isEqualTo(4);
        assertThat(Files.readString(run.resolve("config.toml"))).contains("level-curriculum = false")
                .contains("start-size = 4");
    }

    @Test
    void shouldListEveryProblemOfABadFileEachNamingItsKeyAndLeaveNothingBehind() throws IOException {
        Path run = tmp.resolve("never");
        Path cfg = file("bad.toml", """
                task = "wildcard-search"
                size = 65
                lr = "fast"
                depth = 1.5
                ema-horizn = 100
                depth = 2
                pre-ln = 1
                eval-every = 0
                precision = "fp8"
                out = "%s"
                """.formatted(run.toString().replace("\\", "\\\\")));
        assertThat(Main.run("train", "--config", cfg.toString(), "--mode", "magic")).isEqualTo(2);
        String e = io.err();
        assertThat(e.lines()).allSatisfy(l -> assertThat(l).startsWith("ida4j: "));
        assertThat(e).contains("bad.toml:6: duplicate key 'depth' (first set on line 4)")
                .contains("bad.toml:2: size = 65: is outside 2..64")
                .contains("bad.toml:3: lr = \"fast\": must be a number")
                .contains("bad.toml:4: depth = 1.5: must be an integer")
                .contains("bad.toml:5: ema-horizn = 100: unknown key")
                .contains("ida4j: valid keys: task, mode, size")
                .contains("bad.toml:7: pre-ln = 1: must be true or false")
                .contains("bad.toml:8: eval-every = 0: eval-every must be positive")
                .contains("bad.toml:9: precision = \"fp8\": unknown precision 'fp8': expected fp32, tf32, bf16")
                .contains("--mode magic: unknown mode 'magic'")
                .doesNotContain("\tat ");
        assertThat(e.lines()).hasSize(10);
        assertThat(run).doesNotExist();
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    @Test
    void shouldReportSyntaxErrorsTablesAndCrossFieldProblemsWithExitTwo() throws IOException {
        Path syntax = file("syntax.toml", "size = 8\nlr = \n");
        assertThat(Main.run("train", "--config", syntax.toString())).isEqualTo(2);
        assertThat(io.err()).contains("syntax.toml:2: ");

        io.resetErr();
        Path table = file("table.toml", "size = 8\n[model]\npreset = \"paper\"\n");
        assertThat(Main.run("train", "--config", table.toString())).isEqualTo(2);
        assertThat(io.err()).contains("table.toml:2: 'model' is a table");

        io.resetErr();
        Path cross = file("cross.toml", "buffer-contexts = 100\nmin-buffer-contexts = 200\n");
        assertThat(Main.run("train", "--config", cross.toString(), "--out", tmp.resolve("x").toString()))
                .isEqualTo(2);
        assertThat(io.err()).contains("the settings together: a buffer's minimum fill exceeds its capacity");
        assertThat(tmp.resolve("x")).doesNotExist();

        io.resetErr();
        assertThat(Main.run("train", "--config", tmp.resolve("absent.toml").toString())).isEqualTo(2);
        assertThat(io.err()).contains("absent.toml: cannot read the config file");
    }

    @Test
    void shouldRefuseAConfigFileWithResumeAndAMissingRunWithExitOne() throws IOException {
        Path cfg = file("run.toml", "size = 4\n");
        assertThat(Main.run("train", "--resume", tmp.toString(), "--config", cfg.toString())).isEqualTo(2);
        assertThat(io.err()).contains("not --config");

        io.resetErr();
        assertThat(Main.run("train", "--resume", tmp.resolve("absent").toString())).isEqualTo(1);
        assertThat(io.err().strip()).isEqualTo("ida4j: " + tmp.resolve("absent") + ": no such run directory");
        io.resetErr();
        assertThat(Main.run("eval", "--run", tmp.resolve("absent").toString(), "--out", "x.jsonl")).isEqualTo(1);
        assertThat(io.err().lines()).hasSize(1);
    }

    @Test
    void shouldAnswerPicocliUsageErrorsWithOneLineNamingTheCulprit() {
        assertThat(Main.run("train", "--lr", "abc")).isEqualTo(2);
        assertThat(Main.run("nope")).isEqualTo(2);
        assertThat(Main.run("bench", "warp")).isEqualTo(2);
        assertThat(io.err().lines().toList()).hasSize(3).satisfiesExactly(
                l -> assertThat(l).isEqualTo("ida4j: Invalid value for option '--lr': 'abc' is not a float"
                        + " (see: ida4j train --help)"),
                l -> assertThat(l).matches("ida4j: unknown command 'nope'; valid: train, eval, trace, bench,"
                        + " ([a-z]+, )*help \\(see: ida4j --help\\)"),
                l -> assertThat(l).isEqualTo("ida4j: unknown command 'warp'; valid: gemm, step, tree, allreduce"
                        + " (see: ida4j bench --help)"));
    }

    @Test
    void shouldRunTheDemoAtSize4AndARealRunAtSize16() {
        List<String> problems = new java.util.ArrayList<>();
        TrainSettings.Resolved demo = TrainSettings.resolve(new java.util.LinkedHashMap<>(), problems);
        assertThat(demo.config().taskName()).isEqualTo("permutation-powering");
        assertThat(demo.config().size()).isEqualTo(4);
        assertThat(demo.config().minutes()).isEqualTo(5.0);
        java.util.Map<String, TrainSettings.Setting> real = new java.util.LinkedHashMap<>();
        real.put("minutes", TrainSettings.flag("minutes", 30.0));
        assertThat(TrainSettings.resolve(real, problems).config().size()).isEqualTo(16);
        assertThat(problems).isEmpty();
    }
}
