package dev.ida4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.checkpoint.Checkpoints;
import dev.ida4j.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ida4j train} as a real 2-rank Open MPI job: the same steps as one process that makes the same generation
 * shards, the same bits when run twice, a rank's death ending the job and a resume continuing it, and launch
 * settings refused by name.
 */
class DataParallelTrainTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A small amplification run: union-find at size 8, 16 contexts per step. */
    private static final List<String> RUN = List.of(Main.class.getName(), "train", "--task", "union-find", "--size",
            "8", "--log-every", "1");
    /**
     * Buffers that start training sooner (64 contexts, 25 transcripts from 50 calls to H, not 500 and 250 from 500),
     * so that a short job's time goes to the steps it checks.
     */
    private static final String QUICK_START = "min-buffer-contexts = 64\nasker-initial-budget = 50\n"
            + "min-asker-buffer = 25\n";

    @Test
    void shouldTakeTheStepsOfOneProcessMakingTheSameShards(@TempDir Path tmp) throws Exception {
        // pre-LN and no dropout: no BatchNorm statistics or dropout masks of a slice, which differ by design
        Path quick = Files.writeString(tmp.resolve("quick.toml"), QUICK_START);
        List<String> args = args("--steps", "12", "--pre-ln", "--dropout", "0");
        Path shards = Files.writeString(tmp.resolve("shards.toml"), QUICK_START + "generation-shards = 2\n");
        List<String> one = MpiJobs.java();
        one.addAll(args);
        one.addAll(List.of("--config", shards.toString(), "--out", tmp.resolve("one").toString()));
        MpiJobs.Job single = MpiJobs.run(one, 180);
        assertThat(single.code()).as(single.out()).isZero();
        List<String> twoArgs = new ArrayList<>(args);
        twoArgs.addAll(List.of("--config", quick.toString()));
        MpiJobs.Job two = train(tmp.resolve("two"), twoArgs);
        assertThat(two.code()).as(two.out()).isZero();
        assertThat(two.out()).contains("12 steps on cpu in 2 processes");

        List<JsonNode> a = steps(tmp.resolve("one"));
        List<JsonNode> b = steps(tmp.resolve("two"));
        assertThat(b).hasSize(12).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            // the same batches and targets; the slices' sums rounded in another order
            for (String key : List.of("loss_x", "loss_asker", "accuracy_train")) {
                double x = a.get(i).get(key).asDouble();
                double y = b.get(i).get(key).asDouble();
                assertThat(Math.abs(x - y)).as("step %d %s: %s against %s", i + 1, key, x, y)
                        .isLessThanOrEqualTo(1e-4 * Math.abs(x));
            }
        }

        // the job's checkpoint is an ordinary one: a single process evaluates it
        List<String> eval = MpiJobs.java();
        eval.addAll(List.of(Main.class.getName(), "eval", "--run", tmp.resolve("two").toString(), "--contexts", "4"));
        MpiJobs.Job evaluated = MpiJobs.run(eval, 120);
        assertThat(evaluated.code()).as(evaluated.out()).isZero();
        assertThat(evaluated.out()).contains("accuracy");
    }

    @Test
    void shouldRepeatATwoRankRunBitForBit(@TempDir Path tmp) throws Exception {
        // the default models: BatchNorm statistics shared from rank 0, dropout on
        Path quick = Files.writeString(tmp.resolve("quick.toml"), QUICK_START);
        List<String> args = args("--steps", "10", "--config", quick.toString());
        MpiJobs.Job first = train(tmp.resolve("a"), args);
        assertThat(first.code()).as(first.out()).isZero();
        MpiJobs.Job second = train(tmp.resolve("b"), args);
        assertThat(second.code()).as(second.out()).isZero();
        Path a = Checkpoints.latest(tmp.resolve("a")).orElseThrow();
        Path b = Checkpoints.latest(tmp.resolve("b")).orElseThrow();
        assertThat(a.getFileName()).isEqualTo(b.getFileName());
        for (String file : List.of("model.safetensors", "optimizer.safetensors", "replay.safetensors")) {
            assertThat(Files.mismatch(a.resolve(file), b.resolve(file))).as(file).isEqualTo(-1L);
        }
        List<JsonNode> x = steps(tmp.resolve("a"));
        List<JsonNode> y = steps(tmp.resolve("b"));
        for (int i = 0; i < x.size(); i++) {
            assertThat(y.get(i).get("loss_x").asDouble()).isEqualTo(x.get(i).get("loss_x").asDouble());
        }
        assertThat(JSON.readTree(a.resolve("state.json").toFile()).get("state").get("world_size").asInt())
                .isEqualTo(2);
    }

    @Test
    void shouldEndTheJobWhenARankDiesAndResumeFromItsLastCheckpoint(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        // each rank writes its process id, then becomes the JVM
        List<String> cmd = MpiJobs.mpirun(2);
        cmd.addAll(List.of("sh", "-c", "echo $$ > " + tmp + "/pid.$OMPI_COMM_WORLD_RANK; exec \"$@\"", "rank"));
        cmd.addAll(MpiJobs.java());
        Path quick = Files.writeString(tmp.resolve("quick.toml"), QUICK_START);
        cmd.addAll(args("--steps", "100000", "--checkpoint-every", "5", "--config", quick.toString(), "--out",
                run.toString()));
        Path log = tmp.resolve("job.log");
        Process job = MpiJobs.start(cmd, log);
        try {
            long deadline = System.nanoTime() + 150_000_000_000L;
            Optional<Path> saved = Optional.empty();
            while (saved.isEmpty() || saved.get().getFileName().toString().equals("step-5")) {
                assertThat(System.nanoTime()).as("a checkpoint after step 5 within 150 s: %s",
                        Files.exists(log) ? Files.readString(log) : "").isLessThan(deadline);
                assertThat(job.isAlive()).as(Files.readString(log)).isTrue();
                Thread.sleep(200);
                saved = Checkpoints.latest(run);
            }
            long pid = Long.parseLong(Files.readString(tmp.resolve("pid.1")).strip());
            new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
            assertThat(job.waitFor(60, TimeUnit.SECONDS)).as("the job ended").isTrue();
        } finally {
            job.destroyForcibly().waitFor();
        }
        String out = Files.readString(log);
        assertThat(job.exitValue()).as(out).isNotZero();
        assertThat(out).contains("rank 1").containsIgnoringCase("signal 9");

        Path last = Checkpoints.latest(run).orElseThrow();
        long step = Long.parseLong(last.getFileName().toString().substring("step-".length()));
        List<String> resume = new ArrayList<>(List.of(Main.class.getName(), "train", "--resume", run.toString(),
                "--steps", Long.toString(step + 3)));
        MpiJobs.Job resumed = MpiJobs.run(2, resume, 180);
        assertThat(resumed.code()).as(resumed.out()).isZero();
        assertThat(resumed.out()).contains("resumed from " + last + " (step " + step + ")",
                "done: " + (step + 3) + " steps");
    }

    @Test
    void shouldRefuseLaunchSettingsThatCannotBeSharedOrDiffer(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        MpiJobs.Job tooFew = train(run, args("--steps", "5", "--batch", "1"));
        assertThat(tooFew.code()).as(tooFew.out()).isEqualTo(2);
        assertThat(tooFew.out()).contains("batch 1 has fewer contexts than the 2 processes");
        assertThat(run).doesNotExist();

        List<String> cmd = MpiJobs.mpirun(2);
        cmd.addAll(List.of("sh", "-c", "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then exec \"$@\" --lr 0.002; fi;"
                + " exec \"$@\"", "rank"));
        cmd.addAll(MpiJobs.java());
        cmd.addAll(args("--steps", "5", "--out", run.toString()));
        MpiJobs.Job differ = MpiJobs.run(cmd, 120);
        assertThat(differ.code()).as(differ.out()).isNotZero();
        assertThat(differ.out()).contains("rank 1 of 2 resolved other settings than rank 0");
        assertThat(run).doesNotExist();
    }

    /** {@link #RUN} with {@code more}, and 16 contexts per step unless they say. */
    private static List<String> args(String... more) {
        List<String> out = new ArrayList<>(RUN);
        out.addAll(List.of(more));
        if (!out.contains("--batch")) {
            out.addAll(List.of("--batch", "16"));
        }
        return out;
    }

    /** A 2-rank {@code train} into {@code dir}. */
    private static MpiJobs.Job train(Path dir, List<String> args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(args);
        if (!all.contains("--out")) {
            all.addAll(List.of("--out", dir.toString()));
        }
        return MpiJobs.run(2, all, 180);
    }

    /** The run's step records (those with X's loss), in order. */
    private static List<JsonNode> steps(Path run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.has("loss_x")) {
                out.add(n);
            }
        }
        return out;
    }
}
