package dev.ida4j.cli;

import dev.ida4j.backend.Backend;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Mode;
import dev.ida4j.loop.RunDirectory;
import dev.ida4j.loop.TrainingRun;
import dev.ida4j.task.Tasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ida4j train}: iterated amplification on one task. With no arguments, a demo of a few minutes on the CPU:
 * amplification on permutation-powering, growing to size 16. Every flag is checked before any work starts.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train X by iterated amplification (or the noasker ablation, or the supervised baseline).")
final class TrainCommand implements Runnable {
    @Option(names = "--task", defaultValue = "permutation-powering",
            description = "task: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})",
            completionCandidates = TaskNames.class)
    String task;
    @Option(names = "--mode", defaultValue = "amplification",
            description = "amplification, noasker or supervised (default ${DEFAULT-VALUE})")
    String mode;
    @Option(names = "--size", defaultValue = "16", description = "instance size to grow to, 2..64 (default ${DEFAULT-VALUE})")
    int size;
    @Option(names = "--steps", description = "X training steps")
    Long steps;
    @Option(names = "--minutes", description = "stop after this many minutes (default 5 when --steps is not given)")
    Double minutes;
    @Option(names = "--seed", defaultValue = "1", description = "seed of everything (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--out", description = "run directory (default runs/<task>-<mode>-<time>)")
    Path out;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or reference (default ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--threads", defaultValue = "1", description = "CPU threads (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--checkpoint-every", description = "X steps between checkpoints (default 500)")
    Integer checkpointEvery;
    @Option(names = "--resume", description = "continue the run in this directory from its newest checkpoint")
    Path resume;
    @Option(names = "--lr", description = "learning rate of X and H′ (default 1e-3)")
    Float lr;
    @Option(names = "--preset", description = "model size: small or paper (default small)")
    String preset;
    @Option(names = "--pre-ln", description = "modern pre-LayerNorm models without BatchNorm (default: the reference's"
            + " post-LayerNorm with BatchNorm)")
    boolean preLn;
    @Option(names = "--log-every", description = "X steps between metrics records (default 25)")
    Integer logEvery;
    @Option(names = "--eval-every", description = "X steps between evaluations at the final size (default 250)")
    Integer evalEvery;
    @Option(names = "--ema-horizon", description = "EMA teacher horizon h: teacher += (student - teacher) / min(step, h)"
            + " (default 1000)")
    Integer emaHorizon;
    @Option(names = "--depth", description = "amplification depth of the targets (default 1)")
    Integer depth;
    @Option(names = "--batch", description = "contexts per X step, all their questions (default 16)")
    Integer batch;
    @Option(names = "--steps-per-generation", description = "X steps per generation batch (default 2)")
    Integer stepsPerGeneration;

    @Override
    public void run() {
        if (resume != null && out != null) {
            throw new Main.UsageException("--resume DIR continues that directory: do not also give --out");
        }
        LoopConfig cfg;
        Path dir;
        boolean resuming = resume != null;
        try {
            if (resuming) {
                if (explicitConfigFlags()) {
                    throw new Main.UsageException("--resume continues a run with its own configuration; only "
                            + "--steps, --minutes, --threads and --device may be given with it");
                }
                dir = resume;
                cfg = RunDirectory.config(dir);
                if (steps != null || minutes != null) {
                    cfg = cfg.with("steps", steps == null ? 0 : steps).with("minutes", minutes == null ? 0 : minutes);
                }
            } else {
                cfg = config();
                dir = out != null ? out : Path.of("runs", task + "-" + mode + "-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            }
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        } catch (IOException e) {
            throw new Main.UsageException(e.getMessage());
        }
        System.out.printf(Locale.ROOT, "train: %s, %s, size %d (curriculum from %d), %s on %s, run directory %s%n",
                cfg.taskName(), cfg.mode().label(), cfg.size(), cfg.startSize(),
                cfg.steps() > 0 ? cfg.steps() + " steps" : cfg.minutes() + " minutes", device, dir);
        try (Backend backend = BenchCommand.backend(device, threads)) {
            TrainingRun.Summary s = new TrainingRun(backend, cfg, dir, System.out).run(resuming);
            System.out.printf(Locale.ROOT, "done: %d steps, size %d, teacher accuracy %.4f at size %d, %d H calls;"
                    + " run directory %s%n", s.steps(), s.size(), s.evalAccuracy(), cfg.size(), s.overseerCalls(),
                    s.runDir().toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The config fields the flags set, by field name; null where the flag was not given. */
    private Map<String, Object> overrides() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("lr", lr);
        o.put("preset", preset);
        o.put("preLayerNorm", preLn ? Boolean.TRUE : null);
        o.put("logEvery", logEvery);
        o.put("evalEvery", evalEvery);
        o.put("checkpointEvery", checkpointEvery);
        o.put("emaHorizon", emaHorizon);
        o.put("depth", depth);
        o.put("trainContexts", batch);
        o.put("stepsPerGeneration", stepsPerGeneration);
        return o;
    }

    private boolean explicitConfigFlags() {
        return overrides().values().stream().anyMatch(Objects::nonNull);
    }

    private LoopConfig config() {
        Tasks.byName(task);
        Mode m = Mode.parse(mode);
        if (size < 2 || size > 64) {
            throw new IllegalArgumentException("--size " + size + " is outside 2..64");
        }
        if (steps != null && steps < 1 || minutes != null && !(minutes > 0)) {
            throw new IllegalArgumentException("--steps and --minutes must be positive");
        }
        if (!device.equals("cpu") && !device.equals("reference")) {
            throw new IllegalArgumentException("--device '" + device + "' is not available; valid: cpu, reference");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads " + threads + " must be positive");
        }
        double mins = minutes != null ? minutes : steps == null ? 5 : 0;
        LoopConfig d = LoopConfig.defaults(task, m, size, steps == null ? 0 : steps, mins, seed);
        for (Map.Entry<String, Object> o : overrides().entrySet()) {
            if (o.getValue() != null) {
                d = d.with(o.getKey(), o.getValue());
            }
        }
        return d;
    }

    /** The task names, for the help text. */
    static final class TaskNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Tasks.names().iterator();
        }
    }
}
