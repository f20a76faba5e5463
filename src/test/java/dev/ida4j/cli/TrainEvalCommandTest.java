package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.checkpoint.Checkpoints;
import dev.ida4j.io.SafeTensors;
import dev.ida4j.loop.RunLock;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TrainEvalCommandTest {
    @RegisterExtension
    final StdStreams io = new StdStreams();
    @TempDir
    Path tmp;

    private int train(Path dir, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--task", "wildcard-search", "--size", "4",
                "--steps", "2", "--checkpoint-every", "1", "--log-every", "1", "--eval-every", "2", "--out",
                dir.toString()));
        args.addAll(List.of(extra));
        return Main.run(args.toArray(String[]::new));
    }

    @Test
    void shouldTrainThenExportAnEvaluationInTheSpecFormat() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--mode", "noasker")).isZero();
        assertThat(io.out()).contains("done: 2 steps").contains(run.toString());
        // one greppable line per evaluation; noasker calls H once per generated target question
        assertThat(io.out().lines().filter(l -> l.startsWith("round ")))
                .singleElement().asString()
                .matches("round [1-9]\\d* step 2: teacher [01]\\.\\d{3} targets [01]\\.\\d{3} size 4 H-calls [1-9]\\d*");
        assertThat(io.out()).containsPattern("learned: the teacher alone answers \\d+\\.\\d % of \\d+ fresh size-4"
                + " questions\n  by class: wilds1 \\d+ %, wilds2 \\d+ %");
        assertThat(run.resolve("checkpoints/step-2/model.safetensors")).exists();
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).isNotEmpty()
                .allSatisfy(l -> assertThat(l).startsWith("{\"step\":"));

        io.resetOut();
        Path export = tmp.resolve("eval.jsonl");
        assertThat(Main.run("eval", "--run", run.toString(), "--contexts", "3", "--out", export.toString())).isZero();
        String summary = io.out().strip();
        assertThat(summary).startsWith("{\"task\":\"wildcard-search\",\"size\":4,\"questions\":")
                .contains("\"accuracy\":").contains("\"per_class\":{");
        List<String> lines = Files.readAllLines(export);
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3).allSatisfy(l -> assertThat(l)
                .matches("\\{\"task\":\"wildcard-search\",\"size\":4,\"context\":\\d+,\"facts\":\\[\"[ab]{6} [+-]1\".*"
                        + "\"question\":\"[ab*]{6}\",\"answer\":\"[^\"]*\",\"truth\":\"-?\\d+\",\"correct\":(true|false),"
                        + "\"class\":\"wilds\\d\"}"));
    }

    private static void flipAByte(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(file, bytes);
    }

    @Test
    void shouldRefuseARunWhoseEveryCheckpointHasAFlippedByteNamingTheFile() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--mode", "supervised")).isZero();
        flipAByte(run.resolve("checkpoints/step-1/model.safetensors"));
        Path model = run.resolve("checkpoints/step-2/model.safetensors");
        flipAByte(model);
        int code = Main.run("eval", "--run", run.toString(), "--out", tmp.resolve("e.jsonl").toString());
        assertThat(code).isEqualTo(1);
        assertThat(io.err().strip().lines().toList().getLast()).startsWith("ida4j: " + model);
        assertThat(io.err()).doesNotContain("\tat ");
    }

    @Test
    void shouldFallBackOnTheNewestIntactCheckpoint() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--mode", "supervised")).isZero();
        flipAByte(run.resolve("checkpoints/step-2/model.safetensors"));

        assertThat(Main.run("inspect", run.toString())).isEqualTo(1);
        assertThat(io.out()).contains("checkpoints/step-1: every checksum verified")
                .contains("model.safetensors").contains("FAILED");

        assertThat(Main.run("eval", "--run", run.toString(), "--contexts", "2")).isZero();
        assertThat(io.err()).contains("passing over a damaged checkpoint: " + run.resolve("checkpoints/step-2"))
                .contains("using " + run.resolve("checkpoints/step-1"));

        io.resetOut();
        assertThat(Main.run("train", "--resume", run.toString(), "--steps", "3")).isZero();
        assertThat(io.out()).contains("moved the damaged " + run.resolve("checkpoints/step-2"))
                .contains("resumed from " + run.resolve("checkpoints/step-1") + " (step 1)").contains("done: 3 steps");
        assertThat(run.resolve("checkpoints/damaged-step-2/model.safetensors")).exists();
        assertThat(run.resolve("checkpoints/step-3/state.json")).exists();
    }

    @Test
    void shouldAnswerQuestionsWhenOnlyTheOptimizerOrReplayFileIsDamaged() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--mode", "supervised")).isZero();
        flipAByte(run.resolve("checkpoints/step-2/optimizer.safetensors"));
        flipAByte(run.resolve("checkpoints/step-2/replay.safetensors"));
        io.resetErr();
        assertThat(Main.run("eval", "--run", run.toString(), "--contexts", "2")).isZero();
        assertThat(io.err()).doesNotContain("damaged");
    }

    @Test
    void shouldResumeARunAndContinueToMoreSteps() {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--mode", "supervised")).isZero();
        assertThat(Main.run("train", "--resume", run.toString(), "--steps", "3")).isZero();
        assertThat(io.out()).contains("resumed from").contains("done: 3 steps");
        assertThat(run.resolve("checkpoints/step-3/state.json")).exists();
    }

    @Test
    void shouldRejectBadInputWithExitTwoAndOneLineBeforeAnyWork() {
        assertThat(Main.run("train", "--task", "nope")).isEqualTo(2);
        assertThat(io.err()).contains("'nope'").contains("permutation-powering").contains("union-find");
        assertThat(Main.run("train", "--mode", "magic")).isEqualTo(2);
        assertThat(io.err()).contains("'magic'").contains("amplification, noasker, supervised");
        assertThat(Main.run("train", "--size", "65")).isEqualTo(2);
        assertThat(io.err()).contains("--size 65").contains("2..64");
        assertThat(Main.run("train", "--size", "1")).isEqualTo(2);
        assertThat(Main.run("train", "--resume", tmp.toString(), "--lr", "0.1")).isEqualTo(2);
        assertThat(io.err()).contains("--resume");
        assertThat(Main.run("train", "--resume", tmp.toString(), "--out", tmp.toString())).isEqualTo(2);
        assertThat(Main.run("train", "--resume", tmp.resolve("absent").toString())).isEqualTo(1);
        assertThat(Main.run("eval", "--run", tmp.toString(), "--out", "x", "--model", "oracle")).isEqualTo(2);
        assertThat(io.err()).contains("'oracle'").contains("teacher, student, amplified");
        assertThat(Main.run("bench", "tree", "--task", "nope")).isEqualTo(2);
        assertThat(io.err()).doesNotContain("\tat ");
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    @Test
    void shouldPrintOneJsonLineForBenchTree() {
        assertThat(Main.run("bench", "tree", "--task", "permutation-powering", "--size", "8", "--contexts", "4",
                "--baseline-contexts", "1", "--repeats", "1", "--json")).isZero();
        String line = io.out().strip();
        assertThat(line.lines()).hasSize(1);
        assertThat(line).startsWith("{\"bench\":\"tree\"").contains("\"speedup\":")
                .contains("\"batched_questions_per_s\":").contains("\"one_at_a_time_questions_per_s\":");
    }

    @Test
    void shouldRefuseAnOutDirectoryThatIsAFileOrHoldsSomethingTouchingNothing() throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("config.toml"), "my own file\n");
        Files.writeString(mine.resolve("metrics.jsonl"), "{\"mine\":1}\n");
        assertThat(train(mine, "--mode", "supervised")).isEqualTo(2);
        assertThat(io.err()).contains(mine + " is not empty").doesNotContain("\tat ");
        assertThat(Files.readString(mine.resolve("config.toml"))).isEqualTo("my own file\n");
        assertThat(Files.readString(mine.resolve("metrics.jsonl"))).isEqualTo("{\"mine\":1}\n");
        assertThat(mine.resolve("checkpoints")).doesNotExist();

        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThat(train(file, "--mode", "supervised")).isEqualTo(2);
        assertThat(io.err()).contains("--out " + file + " is a file, not a directory");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve(".lock"), "");   // all a start that failed at once leaves
        assertThat(train(empty, "--mode", "supervised")).isZero();
    }

    @Test
    void shouldRefuseToTrainARunThatAnotherProcessHolds() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--mode", "supervised")).isZero();
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        try (RunLock held = RunLock.acquire(run)) {
            assertThat(Main.run("train", "--resume", run.toString(), "--steps", "4")).isEqualTo(1);
        }
        assertThat(io.err()).contains(run + " is in use by another ida4j process (pid "
                + ProcessHandle.current().pid() + ")").doesNotContain("\tat ");
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).isEqualTo(metrics);
        assertThat(Main.run("train", "--resume", run.toString(), "--steps", "3")).isZero();
    }

    @Test
    void shouldStopADivergingRunInOneLineKeepingOnlyFiniteCheckpoints() throws IOException {
        Path run = tmp.resolve("run");
        int code = Main.run("train", "--task", "wildcard-search", "--mode", "supervised", "--size", "8", "--steps",
                "20", "--checkpoint-every", "5", "--lr", "1e30", "--out", run.toString());
        assertThat(code).as(io.err()).isEqualTo(1);
        assertThat(io.err().strip().lines()).as(io.err()).singleElement().asString()
                .contains("skipped for a non-finite loss").doesNotContain("\tat ");
        for (Path checkpoint : Checkpoints.committed(run)) {
            try (TensorArena arena = TensorArena.host("check")) {
                SafeTensors model = SafeTensors.read(checkpoint.resolve("model.safetensors"), arena);
                for (Tensor t : model.tensors().values()) {
                    for (float v : t.toFloatArray()) {
                        assertThat(Float.isFinite(v)).as("%s in %s", t.name(), checkpoint).isTrue();
                    }
                }
            }
        }
    }

    /** Runs a command that must fail; returns its one line of standard error (no stack trace). */
    private String oneLineError(int expectedCode, String... args) {
        io.resetErr();
        assertThat(Main.run(args)).as(String.join(" ", args) + ": " + io.err()).isEqualTo(expectedCode);
        assertThat(io.err().strip().lines()).as(io.err()).hasSize(1);
        assertThat(io.err()).startsWith("ida4j: ").doesNotContain("\tat ");
        return io.err().strip();
    }

    @Test
    void shouldSayOneLineNamingTheCulpritForOrdinaryProblems() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(train(run, "--mode", "supervised")).isZero();
        String r = run.toString();

        assertThat(oneLineError(2, "eval", "--run", r, "--out", tmp.toString())).contains(tmp + " is a directory");
        assertThat(oneLineError(2, "eval", "--run", r, "--out", tmp.resolve("no/x.jsonl").toString()))
                .contains("the folder " + tmp.resolve("no") + " does not exist");
        assertThat(oneLineError(2, "eval", "--run", r, "--contexts", "100000000")).contains("1..100000");
        assertThat(oneLineError(2, "train", "--lr", "Infinity", "--out", tmp.resolve("a").toString()))
                .contains("--lr Infinity");
        assertThat(oneLineError(2, "train", "--threads", "1000", "--out", tmp.resolve("a").toString()))
                .contains("--threads 1000").contains("256");
        assertThat(oneLineError(2, "train", "--batch", "100000", "--out", tmp.resolve("a").toString()))
                .contains("--batch 100000: batch 100000 exceeds 10000");
        assertThat(oneLineError(2, "bench", "gemm", "--m", "100000", "--n", "100000", "--k", "100000"))
                .contains("elements exceeds");
        assertThat(oneLineError(2, "train", "--transcripts", tmp.resolve("nope.jsonl").toString(), "--out",
                tmp.resolve("a").toString())).endsWith("nope.jsonl: no such file or directory");
        assertThat(tmp.resolve("a")).doesNotExist();

        Path file = Files.write(tmp.resolve("bad.safetensors"), new byte[] {1, 2, 3});
        assertThat(oneLineError(1, "inspect", file.toString())).contains(file.toString());

        // one byte that is not UTF-8 in the log: inspect, report and resume name the file and line
        Files.write(run.resolve("metrics.jsonl"), new byte[] {(byte) 0xff, '{', '}', '\n'},
                java.nio.file.StandardOpenOption.APPEND);
        int badLine = Files.readString(run.resolve("metrics.jsonl"), java.nio.charset.StandardCharsets.ISO_8859_1)
                .split("\n").length;
        String where = run.resolve("metrics.jsonl") + ": line " + badLine;
        assertThat(oneLineError(1, "inspect", r)).contains(where).contains("not UTF-8");
        assertThat(oneLineError(1, "report", r, "--out", tmp.resolve("rep").toString())).contains(where);
        io.resetOut();
        assertThat(Main.run("train", "--resume", r, "--steps", "3")).isEqualTo(1);
        assertThat(io.err().strip()).startsWith("ida4j: " + where).doesNotContain("\tat ");
    }

    @Test
    void shouldListAConfigFileOfThousandsOfUnknownKeysBriefly() throws IOException {
        StringBuilder toml = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            toml.append("bogus").append(i).append(" = ").append(i).append('\n');
        }
        toml.append("task = \"").append("x".repeat(100_000)).append("\"\n");
        Path config = Files.writeString(tmp.resolve("big.toml"), toml);
        assertThat(Main.run("train", "--config", config.toString(), "--out", tmp.resolve("a").toString()))
                .isEqualTo(2);
        List<String> lines = io.err().strip().lines().toList();
        assertThat(lines).hasSizeLessThanOrEqualTo(25);
        assertThat(lines.getFirst()).isEqualTo("ida4j: " + config + ":1: bogus0 = 0: unknown key");
        assertThat(lines).filteredOn(l -> l.contains("valid keys: task, mode, size")).hasSize(1);
        assertThat(io.err().length()).isLessThan(5_000);
    }

    @Test
    void shouldLogATableUnderEightyColumnsWithItsHeaderInView() {
        Path run = tmp.resolve("run");
        assertThat(Main.run("train", "--task", "union-find", "--size", "8", "--steps", "21", "--log-every", "1",
                "--eval-every", "10", "--out", run.toString())).isZero();
        List<String> lines = io.out().lines().toList();
        // amplification's columns; the header again after 20 rows, so that a long log keeps it in view
        assertThat(lines).filteredOn(l -> l.matches(" +step +size +loss +train +teacher +targets +agree +H′ loss"
                + " +H calls")).hasSize(2);
        String row = " +\\d+ +8 +\\d+\\.\\d{4}( +([01]\\.\\d{3}|-)){4} +\\d\\.\\d{4} +\\d+";
        assertThat(lines).filteredOn(l -> l.matches(row))
                .as(io.out()).hasSize(21);
        // what a terminal of 80 columns shows unwrapped: every line but those naming the run directory
        assertThat(lines).filteredOn(l -> !l.contains(run.toString())).isNotEmpty()
                .allSatisfy(l -> assertThat(l.codePointCount(0, l.length())).as(l).isLessThan(80));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("learned: the teacher alone answers"))
                .anySatisfy(l -> assertThat(l).startsWith("  by class: ").contains("depth1"));
    }

    @Test
    void shouldSayWhenXsGradientVanishesUnderALearningRateFarTooLarge() {
        Path run = tmp.resolve("run");
        assertThat(Main.run("train", "--task", "wildcard-search", "--mode", "supervised", "--size", "4", "--steps",
                "60", "--log-every", "20", "--lr", "1e6", "--out", run.toString())).isZero();
        assertThat(io.out().lines().filter(l -> l.contains("X's gradient was exactly 0"))).singleElement()
                .asString().contains("stopped learning (is lr 1.00000e+06 too large?)");

        io.resetOut();
        assertThat(train(tmp.resolve("fine"), "--mode", "supervised")).isZero();
        assertThat(io.out()).doesNotContain("gradient was exactly 0");
    }

    /** Runs a command; whether it exited 0. */
    private static boolean ran(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    /** A tmpfs of {@code size} mounted for one test (skipped, saying why, where mounting needs root). */
    private record Tmpfs(Path dir) implements AutoCloseable {
        static Tmpfs mount(Path dir, String size) throws IOException, InterruptedException {
            Files.createDirectories(dir);
            org.junit.jupiter.api.Assumptions.assumeTrue(ran("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs",
                    dir.toString()), "mounting a tmpfs needs root (CI runs as root)");
            return new Tmpfs(dir);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            ran("umount", dir.toString());
        }
    }

    @Test
    void shouldExitOneNamingTheNewestCheckpointWhenTheDiskFillsUp() throws Exception {
        // a real full disk: a 30 MB tmpfs holds one checkpoint of this run (about 19 MB) and not a second
        try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "30m")) {
            Path run = disk.dir().resolve("run");
            int code = Main.run("train", "--task", "wildcard-search", "--mode", "supervised", "--size", "4",
                    "--steps", "6", "--checkpoint-every", "2", "--out", run.toString());
            assertThat(code).as(io.out() + io.err()).isEqualTo(1);
            assertThat(io.out()).contains("checkpoint at step 4 abandoned").contains("No space left on device");
            assertThat(io.out()).doesNotContain("done: ");
            assertThat(io.err().strip()).startsWith("ida4j: the run stopped at step 6 but that state is not saved")
                    .contains("No space left on device").endsWith("Its newest checkpoint is step-2 (ida4j train"
                            + " --resume " + run + ")");
            assertThat(Checkpoints.latest(run)).hasValueSatisfying(c -> assertThat(c.getFileName())
                    .hasToString("step-2"));
        }
    }

    @Test
    void shouldRefuseToResumeOnAReadOnlyFileSystemInOneLineAndStillEvaluate() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "60m")) {
            Path run = disk.dir().resolve("run");
            assertThat(train(run, "--mode", "supervised")).isZero();
            assertThat(ran("mount", "-o", "remount,ro", disk.dir().toString())).isTrue();
            io.resetErr();
            assertThat(Main.run("train", "--resume", run.toString(), "--steps", "4")).isEqualTo(1);
            assertThat(io.err().strip()).isEqualTo("ida4j: " + run.resolve(".lock") + ": Read-only file system");
            assertThat(Main.run("eval", "--run", run.toString(), "--contexts", "2")).isZero();
        }
    }
}
