package dev.ida4j.example;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.loop.ClassAccuracy;
import dev.ida4j.loop.IdaLoop;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Mode;
import dev.ida4j.loop.TrainingRun;
import dev.ida4j.random.Rng;
import java.io.IOException;
import java.nio.file.Path;

/**
 * ida4j as a library: train X by amplification on union-find, then evaluate its EMA teacher on fresh questions.
 * The README shows this file; {@code TrainAndEvaluateTest} compiles and runs it. Run with
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED}.
 *
 * <pre>
 * TrainAndEvaluate RUN_DIR [STEPS]
 * </pre>
 */
public final class TrainAndEvaluate {
    public static void main(String[] args) throws IOException {
        Path runDir = Path.of(args[0]);
        long steps = args.length > 1 ? Long.parseLong(args[1]) : 2000;
        LoopConfig cfg = LoopConfig.defaults("union-find", Mode.AMPLIFICATION, 8, steps, 0, 1)
                .withBatch(32).withEvaluation(500, 20).withCheckpointEvery(500);
        try (Backend cpu = Backends.cpu(1)) {
            TrainingRun.Summary s = new TrainingRun(cpu, cfg, runDir, System.out).run(false);
            try (IdaLoop loop = new IdaLoop(cpu, cfg)) {
                loop.restoreModels(cpu, runDir, System.err::println);
                ClassAccuracy acc = loop.evaluate(8, 100, new Rng(1000));
                System.out.printf("after %d steps: %.1f %% of %d fresh questions right, by class %s%n", s.steps(),
                        100 * acc.accuracy(), acc.total(), acc.perClass());
            }
        }
    }
}
