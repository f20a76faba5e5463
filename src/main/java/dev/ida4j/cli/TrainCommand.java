package dev.ida4j.cli;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.MatmulPrecision;
import dev.ida4j.checkpoint.Checkpoints;
import dev.ida4j.cluster.WatchedWorld;
import dev.ida4j.cluster.World;
import dev.ida4j.human.TranscriptRecord;
import dev.ida4j.loop.IdaLoop;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Mode;
import dev.ida4j.loop.RunDirectory;
import dev.ida4j.loop.RunLock;
import dev.ida4j.loop.TrainingRun;
import dev.ida4j.optim.NonFiniteStepsException;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.task.Tasks;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ida4j train}: iterated amplification on one task. With no task, size, steps or minutes, a demo of five
 * minutes on the CPU: amplification on permutation-powering at size 4, climbing the bits of k. Settings come from the
 * defaults, then a config file ({@code --config run.toml}), then the flags; every one is checked before any work
 * starts, and the resolved settings are written into the run directory as {@code config.toml}.
 *
 * <p>Started by a launcher as several processes ({@code mpirun -np N}, {@code srun}), the ranks train one model
 * data-parallel ({@link TrainingRun#inWorld}): each checks that every rank resolved the same settings, rank 0 alone
 * prints and writes, and a rank that sees no collective complete within {@code --rank-timeout} ends the job.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train X by iterated amplification (or the noasker ablation, or the supervised baseline).")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--config", paramLabel = "FILE", description = "settings from a TOML file of key = value lines;"
            + " the keys are these flags' names (and every other LoopConfig field in kebab case); flags override it")
    Path config;
    @Option(names = "--recipe", description = "the settings everything else starts from: default (the best"
            + " measured on a small CPU) or reference (the 2018 code's: paper-size X, lr 1e-5, batches of 50, no"
            + " level curriculum, promotion on raw agreement)")
    String recipe;
    @Option(names = "--task", description = "task: ${COMPLETION-CANDIDATES} (default permutation-powering)",
            completionCandidates = TaskNames.class)
    String task;
    @Option(names = "--mode", description = "amplification, noasker or supervised (default amplification)")
    String mode;
    @Option(names = "--size", description = "instance size to grow to, 2..64 (default 16; 4 for the demo: no --task,"
            + " --size, --steps or --minutes)")
    Integer size;
    @Option(names = "--start-size", description = "the curriculum's first instance size (default 8, or --size when"
            + " smaller)")
    Integer startSize;
    @Option(names = "--level-curriculum", negatable = true, description = "draw the question levels H can see (the"
            + " bits of k, the wildcards; for the supervised baseline, the ground truth's difficulty) from the lowest"
            + " up before the size grows (default: on, except for wildcard-search and for the supervised baseline of"
            + " every task but sequential-assignments; --no-level-curriculum draws every question from the start, as"
            + " the reference)")
    Boolean levelCurriculum;
    @Option(names = "--steps", description = "X training steps (with --minutes: whichever comes first)")
    Long steps;
    @Option(names = "--minutes", description = "stop after this many minutes (default 5 when --steps is not given)")
    Double minutes;
    @Option(names = "--seed", description = "seed of everything (default 1)")
    Long seed;
    @Option(names = "--out", description = "run directory (default runs/<task>-<mode>-<time>)")
    Path out;
    @Option(names = "--device", description = "cpu, reference or cuda (default cpu)")
    String device;
    @Option(names = "--precision", description = "matrix products on cuda: fp32, tf32 (the default) or bf16 (bfloat16"
            + " operands, fp32 weights and activations); the CPU backends compute in fp32 only")
    String precision;
    @Option(names = "--threads", description = "CPU threads (default 1)")
    Integer threads;
    @Option(names = "--checkpoint-every", description = "X steps between checkpoints (default 500)")
    Integer checkpointEvery;
    @Option(names = "--resume", description = "continue the run in this directory from its newest checkpoint")
    Path resume;
    @Option(names = "--lr", description = "learning rate of X and H′ (default 1e-3)")
    Float lr;
    @Option(names = "--dropout", description = "dropout probability in X and H′ while they train (default 0.1, the"
            + " reference's; 0 made the supervised baseline learn faster and amplification slower)")
    Float dropout;
    @Option(names = "--preset", description = "model size: small or paper (default small)")
    String preset;
    @Option(names = "--pre-ln", description = "modern pre-LayerNorm models without BatchNorm (default: the reference's"
            + " post-LayerNorm with BatchNorm)")
    boolean preLn;
    @Option(names = "--sampled-teacher", description = "the teacher samples its answers in generation, as the"
            + " reference does (default: greedy answers, better targets while the teacher is unsure; a subquestion"
            + " asked again in one transcript still gets a fresh sample)")
    boolean sampledTeacher;
    @Option(names = "--log-every", description = "X steps between metrics records (default 25)")
    Integer logEvery;
    @Option(names = "--eval-every", description = "X steps between evaluations at the final size (default 250)")
    Integer evalEvery;
    @Option(names = "--ema-horizon", description = "EMA teacher horizon h: teacher += (student - teacher) / min(step, h)"
            + " (default 50; supervised: 1000)")
    Integer emaHorizon;
    @Option(names = "--depth", description = "amplification depth of the targets (default 1; wildcard-search: 3)")
    Integer depth;
    @Option(names = "--batch", description = "contexts per X step, all their questions (default 16)")
    Integer batch;
    @Option(names = "--steps-per-generation", description = "X steps per generation batch (default 2)")
    Integer stepsPerGeneration;
    @Option(names = "--trace-every", paramLabel = "N", description = "every N X steps, write the trees of 2 contexts"
            + " of the next generation batch (the targets X trains on) to RUN/traces/step-N.jsonl; ida4j report"
            + " shows them (default: never)")
    int traceEvery;
    @Option(names = "--tensorboard", description = "also write the metrics as TensorBoard scalars into"
            + " RUN/tensorboard (tensorboard --logdir RUN)")
    boolean tensorboard;
    @Option(names = "--generation-workers", paramLabel = "N", description = "generate on N threads with a backend"
            + " each, beside training (faster with cores to spare; not deterministic). Default: 2 for a run bounded by"
            + " --minutes on a CPU with 2+ cores (amplification and noasker), else 0: in the training thread,"
            + " deterministic")
    Integer generationWorkers;

    @Option(names = "--rank-timeout", paramLabel = "SECONDS", description = "with several processes (mpirun, srun):"
            + " a rank that waits this long for the others, or is busy this long on its own, ends the job, naming"
            + " itself (default 600)")
    int rankTimeout = 600;

    @Option(names = "--transcripts", arity = "1..*", paramLabel = "FILE",
            description = "human transcripts (a journal of 'ida4j oversee' or its JSON Lines export) fed into H′'s"
                    + " buffer at the start, counted as H calls (amplification mode)")
    List<Path> transcripts = List.of();

    /** Problems listed at most (a config file of thousands of bad lines gets the first ones and the valid keys). */
    private static final int MAX_PROBLEMS = 20;

    /** What the flags, the config file or the resumed run decided: all checked before any work. */
    private record Plan(LoopConfig cfg, String device, MatmulPrecision precision, boolean tensorBoard, Path dir,
                        List<Transcript> human) {
    }

    @Override
    public Integer call() {
        if (traceEvery < 0) {
            throw new Main.UsageException("--trace-every " + traceEvery + " must be >= 0");
        }
        if (rankTimeout < 1) {
            throw new Main.UsageException("--rank-timeout " + rankTimeout + " must be at least 1 second");
        }
        // a rank that fails closes nothing: it ends without MPI_Finalize, which makes the launcher end the job
        World world = World.detect();
        if (world.size() == 1) {
            int code = train(world);
            world.close();
            return code;
        }
        world = new WatchedWorld(world, Duration.ofSeconds(rankTimeout));
        String rank = "rank " + world.rank() + " of " + world.size() + ": ";
        try {
            int code = train(world);
            world.close();
            return code;
        } catch (Main.UsageException e) {
            throw new Main.UsageException(rank + e.getMessage());
        } catch (Main.WorkException e) {
            throw new Main.WorkException(rank + e.getMessage());
        }
    }

    /** The run, as one rank of {@code world}: rank 0 prints and writes. */
    private int train(World world) {
        boolean resuming = resume != null;
        Plan p = resuming ? resumed() : fresh();
        LoopConfig cfg = p.cfg();
        if (world.size() > 1 && !resuming) {
            if (cfg.generationShards() == 1) {
                cfg = cfg.with("generationShards", world.size());   // one shard per process unless the settings say
            }
            if (out == null) {
                // the default directory is named by the time, which the ranks read apart: rank 0's
                p = new Plan(cfg, p.device(), p.precision(), p.tensorBoard(),
                        Path.of(new String(world.allgather(p.dir().toString().getBytes(StandardCharsets.UTF_8))[0],
                                StandardCharsets.UTF_8)), p.human());
            }
        }
        try {
            IdaLoop.requireShareable(cfg, world.size());
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage() + (resuming ? " (the run's own settings, with "
                    + world.size() + " processes)" : ""));
        }
        requireSameSettings(world, cfg, p);
        world.barrier();   // every rank has checked the run directory before rank 0 writes into it
        boolean writer = world.rank() == 0;
        PrintStream say = writer ? System.out : new PrintStream(OutputStream.nullOutputStream());
        say.printf(Locale.ROOT, "train: %s, %s, size %d (curriculum from %d)%n%s on %s%s%s, run directory %s%n",
                cfg.taskName(), cfg.mode().label(), cfg.size(), cfg.startSize(),
                cfg.steps() > 0 ? cfg.steps() + " steps" : cfg.minutes() + " minutes", p.device(),
                cfg.generationWorkers() > 0 ? " with " + cfg.generationWorkers() + " generation workers" : "",
                world.size() > 1 ? " in " + world.size() + " processes" : "", p.dir());
        boolean bySteps = cfg.steps() > 0;
        List<Backend> workers = new ArrayList<>();
        Interrupts.install(System.err, "finishing this step and saving a checkpoint");
        TrainingRun.Summary s;
        try (Backend backend = BenchCommand.backend(p.device(), cfg.threads(), p.precision());
             ProgressLine progress = !writer ? null : bySteps ? ProgressLine.start("train", cfg.steps(), "steps")
                     : ProgressLine.start("train", cfg.minutes() * 60, "s")) {
            for (int i = 0; i < cfg.generationWorkers(); i++) {
                workers.add(BenchCommand.backend(p.device(), 1, p.precision()));
            }
            // only now that the device is open: a missing GPU leaves no run directory behind
            try (RunLock lock = writer ? RunLock.acquire(p.dir()) : null) {
                if (!resuming && writer) {
                    // written whole or not at all: a full disk leaves no empty config.toml behind
                    Path tmp = p.dir().resolve("config.toml.tmp");
                    try {
                        Files.writeString(tmp, "# the resolved settings of this run; ida4j train --config this-file"
                                + " reruns it\n" + TrainSettings.toToml(cfg)
                                + ConfigFile.write(runOptions(p.device(), p.precision(), p.tensorBoard())));
                        Files.move(tmp, p.dir().resolve("config.toml"), StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
                s = new TrainingRun(backend, cfg, p.dir(), writer ? progress.lines() : say)
                        .inWorld(world)
                        .withGenerationBackends(workers)
                        .withTensorBoard(p.tensorBoard())
                        .withTraces(traceEvery)
                        .onStep((step, seconds) -> {
                            if (writer) {
                                progress.update(bySteps ? step : seconds, step, "steps");
                            }
                        })
                        .stopWhen(Interrupts::requested)
                        .withHumanTranscripts(p.human())
                        .run(resuming);
            } catch (RunLock.InUseException e) {
                throw new Main.WorkException(e.getMessage());
            } catch (NonFiniteStepsException e) {
                throw new Main.WorkException(e.getMessage() + "; the run stopped there. " + newest(p.dir()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            workers.forEach(Backend::close);
        }
        if (!writer) {
            return s.interrupted() ? Interrupts.exitCode() : 0;
        }
        String dir = s.runDir().toAbsolutePath().toString();
        if (!s.saved()) {
            throw new Main.WorkException("the run stopped at step " + s.steps() + " but that state is not saved: "
                    + s.saveProblem() + ". " + newest(p.dir()));
        }
        if (s.interrupted()) {
            System.out.printf(Locale.ROOT, "stopped at step %d, saved in its checkpoint; continue with: ida4j train"
                    + " --resume %s%n", s.steps(), dir);
            return Interrupts.exitCode();
        }
        System.out.printf(Locale.ROOT, "done: %d steps, size %d, teacher accuracy %.4f at size %d, %d H calls%n"
                + "run directory %s%n", s.steps(), s.size(), s.evalAccuracy(), cfg.size(), s.overseerCalls(), dir);
        if (s.last() != null) {
            System.out.println(learned(s, cfg));
        }
        return 0;
    }

    /**
     * Ends the job, naming this rank, unless every rank resolved the same settings, device and run directory: ranks
     * started with different command lines or config files would train different models under one name.
     */
    private static void requireSameSettings(World world, LoopConfig cfg, Plan p) {
        if (world.size() == 1) {
            return;
        }
        String mine = TrainSettings.toToml(cfg) + p.device() + "|" + p.precision() + "|" + p.dir().toAbsolutePath()
                + "|" + p.tensorBoard();
        byte[] digest = sha256(mine);
        byte[] rank0 = digest.clone();
        world.broadcast(rank0, 0);
        if (!Arrays.equals(digest, rank0)) {
            System.err.println("ida4j: rank " + world.rank() + " of " + world.size() + " resolved other settings than"
                    + " rank 0 (its command line, config file or working directory differs): every rank must be"
                    + " started alike");
            world.abort(2);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the run learned, in a few lines of at most 80 columns: the teacher on fresh questions now, where it started,
     * and by class.
     */
    private static String learned(TrainingRun.Summary s, LoopConfig cfg) {
        String head = String.format(Locale.ROOT, "learned: the teacher alone answers %.1f %% of %d fresh size-%d"
                + " questions", 100 * s.last().accuracy().accuracy(), s.last().accuracy().total(), cfg.size());
        if (s.first() != s.last()) {
            head += String.format(Locale.ROOT, " (%.1f %% after step %d)", 100 * s.first().accuracy().accuracy(),
                    s.first().step());
        }
        List<String> classes = new ArrayList<>(List.of("by", "class:"));
        s.last().accuracy().perClass().forEach((c, a) -> classes.add(String.format(Locale.ROOT, "%s %.0f %%,", c,
                100 * a)));
        classes.set(classes.size() - 1, classes.getLast().substring(0, classes.getLast().length() - 1));
        return wrap("", List.of(head.split(" ")), 80) + "\n" + wrap("  ", classes, 80);
    }

    /**
     * {@code words} joined by spaces into lines shorter than {@code columns}, the first one indented by {@code indent},
     * the later ones by two spaces.
     */
    private static String wrap(String indent, List<String> words, int columns) {
        StringBuilder out = new StringBuilder(indent);
        int lineStart = 0;
        boolean fresh = true;
        for (String word : words) {
            if (!fresh && out.length() - lineStart + 1 + word.length() >= columns) {
                out.append('\n');
                lineStart = out.length();
                out.append("  ");
                fresh = true;
            }
            out.append(fresh ? "" : " ").append(word);
            fresh = false;
        }
        return out.toString();
    }

    /** Which committed checkpoint a run can resume from, in words. */
    private static String newest(Path dir) {
        try {
            return Checkpoints.latest(dir).map(c -> "Its newest checkpoint is " + c.getFileName()
                    + " (ida4j train --resume " + dir + ")").orElse("It has no committed checkpoint.");
        } catch (IOException e) {
            return "Its checkpoints could not be listed: " + e.getMessage();
        }
    }

    /** {@code --resume DIR}: the run's own config, with the few flags that only change when it stops or how fast. */
    private Plan resumed() {
        List<String> others = settingFlags().keySet().stream()
                .filter(k -> !List.of("steps", "minutes", "threads", "device", "precision", "generation-workers",
                        "tensorboard").contains(k))
                .toList();
        if (config != null || !others.isEmpty()) {
            throw new Main.UsageException("--resume continues a run with its own configuration; only --steps,"
                    + " --minutes, --threads, --device, --precision, --generation-workers, --tensorboard,"
                    + " --trace-every and --transcripts may be given with it (not --"
                    + (config != null ? "config" : others.getFirst()) + ")");
        }
        MatmulPrecision p = BenchCommand.precision(precision);
        LoopConfig cfg;
        try {
            cfg = RunDirectory.config(resume);
            if (steps != null || minutes != null) {
                cfg = cfg.with("steps", steps == null ? 0 : steps).with("minutes", minutes == null ? 0 : minutes);
            }
            if (threads != null) {
                cfg = cfg.with("threads", threads);
            }
            if (generationWorkers != null) {
                cfg = cfg.with("generationWorkers", generationWorkers);
            }
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Plan(cfg, device != null ? device : "cpu", p, tensorboard, resume, humanTranscripts(cfg));
    }

    /** A new run: defaults, then the config file, then the flags; its directory must not hold a run already. */
    private Plan fresh() {
        TrainSettings.Resolved r = resolve();
        LoopConfig cfg = r.config();
        Path dir = r.out() != null ? r.out() : Path.of("runs", cfg.taskName() + "-" + cfg.mode().label() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new Main.UsageException("--out " + dir + " is a file, not a directory");
            }
            if (Checkpoints.latest(dir).isPresent()) {
                throw new Main.UsageException(dir + " already holds a run: resume it with --resume, or choose"
                        + " another --out");
            }
            if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    // a lock file alone is what a start that failed before writing anything leaves
                    if (entries.anyMatch(e -> !e.getFileName().toString().equals(RunLock.FILE))) {
                        // never write into a user's folder, nor append to a run that saved nothing
                        throw new Main.UsageException(dir + " is not empty" + (Files.exists(dir.resolve("config.toml"))
                                ? " (a run that was stopped before its first checkpoint: delete it)" : "")
                                + ": a new run needs a new or empty --out directory");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Plan(cfg, r.device(), r.precision(), r.tensorboard(), dir, humanTranscripts(cfg));
    }

    /** The transcripts of {@code --transcripts}, read and checked against the run's task before any work. */
    private List<Transcript> humanTranscripts(LoopConfig cfg) {
        if (transcripts.isEmpty()) {
            return List.of();
        }
        if (cfg.mode() != Mode.AMPLIFICATION) {
            throw new Main.UsageException("--transcripts train H′, which only amplification mode has (this run: "
                    + cfg.mode().label() + ")");
        }
        List<Transcript> out = new ArrayList<>();
        for (Path file : transcripts) {
            try {
                for (TranscriptRecord r : TranscriptRecord.readAll(file)) {
                    out.add(r.toTranscript(cfg.task()));
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new Main.UsageException("--transcripts " + file + ": " + Main.describe(e));
            }
        }
        return out;
    }

    /** The settings that are not the loop's, in the order config.toml lists them (precision only when chosen). */
    private static Map<String, Object> runOptions(String device, MatmulPrecision precision, boolean tensorBoard) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", device);
        if (precision != null) {
            // left out when not chosen: the device's default, so a CPU run's file rerun with --device cuda gets TF32
            m.put("precision", precision.label());
        }
        m.put("tensorboard", tensorBoard);
        return m;
    }

    /** The settings given as flags, by key (the flag's name): only those on the command line. */
    private Map<String, TrainSettings.Setting> settingFlags() {
        Map<String, TrainSettings.Setting> flags = new LinkedHashMap<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String key = o.longestName().substring(2);
            if (!List.of("config", "resume", "help", "version", "transcripts", "trace-every", "rank-timeout")
                    .contains(key)) {
                flags.put(key, TrainSettings.flag(key, o.getValue()));
            }
        }
        return flags;
    }

    /** Defaults, then the config file, then the flags; exit 2 listing every problem. */
    private TrainSettings.Resolved resolve() {
        List<String> problems = new ArrayList<>();
        Map<String, TrainSettings.Setting> settings = new LinkedHashMap<>();
        if (config != null) {
            String name = config.toString();
            ConfigFile.read(config, problems).forEach((key, entry) ->
                    settings.put(key, new TrainSettings.Setting(entry.value(), name + ":" + entry.line())));
        }
        settings.putAll(settingFlags());
        TrainSettings.Resolved r = TrainSettings.resolve(settings, problems);
        if (!problems.isEmpty()) {
            throw new Main.UsageException(String.join("\n", problems.size() <= MAX_PROBLEMS ? problems
                    : List.of(String.join("\n", problems.subList(0, MAX_PROBLEMS)), "... and "
                    + (problems.size() - MAX_PROBLEMS - 1) + " more problems", problems.getLast())));
        }
        return r;
    }

    /** The task names, for the help text. */
    static final class TaskNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Tasks.names().iterator();
        }
    }
}
