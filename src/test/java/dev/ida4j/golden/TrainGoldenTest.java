package dev.ida4j.golden;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Mode;
import dev.ida4j.loop.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden 200-step training runs, pinned bit for bit before the loop and the models are rebuilt (issue 25): in each
 * mode, on three tasks (permutation powering, shortest path's long transcripts, wildcard search's targets three
 * levels deep), a small synchronous, deterministic run on the CPU backend; the fingerprints of every file of its
 * final checkpoint and of its log without the wall-clock fields. The numbers depend on the vector width, which the
 * file names.
 */
class TrainGoldenTest {
    private static final long STEPS = 200;

    @TempDir
    Path tmp;

    @Test
    void shouldTrainTodaysRunsBitForBit() throws IOException {
        Golden golden = new Golden("train-cpu-" + FloatVector.SPECIES_PREFERRED.length() + "-lanes");
        for (String task : List.of("permutation-powering", "shortest-path", "wildcard-search")) {
            for (Mode mode : Mode.values()) {
                String at = task + "." + mode.name().toLowerCase() + ".";
                Path dir = tmp.resolve(at + "run");
                try (Backend backend = Backends.create("cpu", 2)) {
                    new TrainingRun(backend, small(task, mode), dir, new PrintStream(new ByteArrayOutputStream()))
                            .run(false);
                }
                Path last = dir.resolve("checkpoints/step-" + STEPS);
                try (Stream<Path> files = Files.list(last)) {
                    for (Path f : files.sorted().toList()) {
                        golden.put(at + f.getFileName(), Files.readAllBytes(f));
                    }
                }
                golden.put(at + "metrics.jsonl", metrics(dir));
            }
        }
        golden.check();
    }

    /** Today's defaults made small: 4 contexts a batch, short warm-ups, logs every 20 steps and a checkpoint at 200. */
    private static LoopConfig small(String task, Mode mode) {
        return LoopConfig.defaults(task, mode, 6, STEPS, 0, 42)
                .with("generationContexts", 4).with("trainContexts", 4).with("minBufferContexts", 8)
                .with("askerInitialBudget", 8).with("askerBatch", 4).with("minAskerBuffer", 4)
                .with("evalContexts", 2).with("logEvery", 20).with("evalEvery", 50).with("checkpointEvery", 100)
                .with("promoteMinBatches", 5).with("startSize", 4).withThreads(2);
    }

    /** The log without its wall-clock fields. */
    private static String metrics(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll(",\"(questions_per_s|generation_s|train_s|elapsed_s)\":[^,}]*", ""))
                .collect(Collectors.joining("\n"));
    }
}
