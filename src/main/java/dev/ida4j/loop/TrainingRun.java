package dev.ida4j.loop;

import dev.ida4j.backend.Backend;
import dev.ida4j.cluster.SingleProcess;
import dev.ida4j.cluster.World;
import dev.ida4j.io.MetricsLog;
import dev.ida4j.io.TensorBoardEvents;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.random.Rng;
import dev.ida4j.checkpoint.CheckpointException;
import dev.ida4j.checkpoint.Checkpoints;
import dev.ida4j.trace.TraceFiles;
import dev.ida4j.trace.TraceSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * A training run in a run directory: the loop, its log ({@code metrics.jsonl}, one record every {@code logEvery}
 * steps plus evaluation records), its checkpoints, resume, and the stop rule (steps or minutes). Prints one
 * row per log record to {@code out} ({@link ProgressTable}).
 *
 * <pre>
 * runDir/
 *   config.toml                   the resolved settings (written by the command line)
 *   metrics.jsonl                 one JSON object per record
 *   tensorboard/                  the same records as TensorBoard scalars, when asked for
 *   checkpoints/step-N/           model.safetensors, optimizer.safetensors, replay.safetensors, state.json
 *   traces/step-N.jsonl           a sample of the generation batches' trees, when asked for (TRACES.md)
 * </pre>
 *
 * <p>In a job of several processes ({@link #inWorld}) every rank runs the loop and rank 0 alone writes the log, the
 * checkpoints and the traces and evaluates; every rank reads the checkpoint it resumes from, so the run directory must
 * be on a file system they share. The ranks stop together: at the step where any of them is asked to, or where rank
 * 0's clock says the minutes are up.
 */
public final class TrainingRun {
    private final Backend backend;
    private final LoopConfig cfg;
    private final Path runDir;
    private final PrintStream out;
    private Checkpoints checkpoints;
    private double lastTargetAccuracy = Double.NaN;   // of the latest generation batches
    private StepListener listener = (step, seconds) -> { };
    private BooleanSupplier stopRequested = () -> false;
    private long savedStep = -1;          // the newest checkpoint this process committed
    private String saveProblem;           // why the newest checkpoint due was not committed, or null
    private boolean pendingCheckpoint;    // one was due during a streak of skipped steps
    private Evaluation firstEval;         // this session's
    private Evaluation lastEval;
    private boolean stallSaid;            // the warning that X's gradient vanished, said once
    private List<Backend> generationBackends = List.of();   // one per generation worker the config asks for
    private List<Transcript> human = List.of();
    private boolean tensorBoard;
    /** Trace files a run writes at most: a few MB each at size 64, so that tracing stays bounded. */
    static final int MAX_TRACE_FILES = 1000;
    private int traceEvery;               // 0: no traces
    private int traceFiles;               // in traces/ so far
    private final ProgressTable table;
    private World world = new SingleProcess();

    public TrainingRun(Backend backend, LoopConfig cfg, Path runDir, PrintStream out) {
        this.backend = backend;
        this.cfg = cfg;
        this.runDir = runDir;
        this.out = out;
        this.checkpoints = new Checkpoints(backend);
        this.table = new ProgressTable(out, cfg.mode());
    }

    /** Told at the start and after every X step, for a progress display. */
    @FunctionalInterface
    public interface StepListener {
        /** X step {@code step} is done, {@code seconds} after this process's training started. */
        void stepped(long step, double seconds);
    }

    /** Sets who is told at the start (the step resumed from, or 0) and after every step; returns this. */
    public TrainingRun onStep(StepListener l) {
        this.listener = l;
        return this;
    }

    /**
     * Asked before every step: when it says true the run stops there, commits a checkpoint and returns (an
     * interrupt, a scheduler's preemption); returns this.
     */
    public TrainingRun stopWhen(BooleanSupplier requested) {
        this.stopRequested = requested;
        return this;
    }

    /** Checkpoints written another way (tests inject failing file syncs); returns this. */
    TrainingRun withCheckpoints(Checkpoints c) {
        this.checkpoints = c;
        return this;
    }

    /** Runs as one rank of {@code world} (rank 0 writes; see the class comment); returns this. */
    public TrainingRun inWorld(World w) {
        this.world = w;
        return this;
    }

    /** The backends of the generation workers, one each, when the config asks for them; returns this. */
    public TrainingRun withGenerationBackends(List<Backend> backends) {
        this.generationBackends = List.copyOf(backends);
        return this;
    }

    /** Feeds these human transcripts into H′'s buffer once the run has started or resumed (amplification mode). */
    public TrainingRun withHumanTranscripts(List<Transcript> transcripts) {
        this.human = List.copyOf(transcripts);
        return this;
    }

    /**
     * Also writes every metrics record as TensorBoard scalars, into a new event file under {@code runDir/tensorboard}
     * ({@code tensorboard --logdir runDir}); returns this.
     */
    public TrainingRun withTensorBoard(boolean on) {
        this.tensorBoard = on;
        return this;
    }

    /**
     * Writes a sample of the generation batches' trees every {@code steps} X steps (0: never) to
     * {@code traces/step-N.jsonl}: those of {@link IdaLoop#TRACED_CONTEXTS} contexts of the first batch generated
     * from that step on, the very targets X trains on ({@code TRACES.md}); at most {@value #MAX_TRACE_FILES} files
     * in a run.
     */
    public TrainingRun withTraces(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("trace interval " + steps + " must be >= 0");
        }
        this.traceEvery = steps;
        return this;
    }

    /**
     * What a finished run reports: where it stopped, whether a stop request ended it early, the step of the newest
     * checkpoint this process committed (-1 when none) and, when the one due at the end could not be written, why.
     */
    public record Summary(long steps, int size, double evalAccuracy, long overseerCalls, Path runDir,
                          boolean interrupted, long savedStep, String saveProblem, Evaluation first,
                          Evaluation last) {
        /** Whether the state at {@code steps} is in a committed checkpoint. */
        public boolean saved() {
            return savedStep == steps;
        }
    }

    /** An evaluation at the final size: after which step, and how the teacher did (null: none this session). */
    public record Evaluation(long step, ClassAccuracy accuracy) {
    }

    /** Runs to the configured end, resuming from the newest checkpoint when {@code resume} is set. */
    public Summary run(boolean resume) throws IOException {
        if (!resume && Checkpoints.latest(runDir).isPresent()) {
            throw new IllegalArgumentException(runDir + " already holds a run: resume it with --resume, or choose"
                    + " another --out");
        }
        boolean writer = world.rank() == 0;
        if (writer) {
            Files.createDirectories(runDir);
        }
        try (IdaLoop loop = new IdaLoop(backend, cfg, world)) {
            long resumedAt = 0;
            if (resume) {
                Path used = LoopCheckpoint.restoreNewestIntact(loop, checkpoints, runDir, false,
                        m -> out.println("warning: " + m));
                // the damaged newer ones would be in the way of the steps to come: set them aside, kept
                List<Path> committed = Checkpoints.committed(runDir);
                for (Path newer : committed.subList(committed.indexOf(used) + 1, committed.size())) {
                    if (writer) {
                        out.println("warning: moved the damaged " + newer + " to " + Checkpoints.setAside(newer));
                    }
                }
                world.barrier();   // every rank has read the checkpoint before any rank writes the next
                resumedAt = loop.step;
                savedStep = resumedAt;
                out.printf(Locale.ROOT, "resumed from %s (step %d)%n", used, resumedAt);
            }
            if (traceEvery > 0 && cfg.mode() == Mode.SUPERVISED) {
                out.println("warning: no traces: the supervised baseline builds no trees (its targets are the ground"
                        + " truth)");
            } else if (traceEvery > 0 && writer) {
                traceFiles = TraceFiles.ofRun(runDir.resolve("traces")).size();
                loop.traceGenerations(lines -> writeTrace(loop.step, lines));
            }
            if (cfg.generationWorkers() > 0) {
                if (generationBackends.size() != cfg.generationWorkers()) {
                    throw new IllegalStateException(cfg.generationWorkers() + " generation workers need a backend"
                            + " each: withGenerationBackends got " + generationBackends.size());
                }
                loop.startAsync(generationBackends);
            }
            if (!human.isEmpty()) {
                loop.feedTranscripts(human);
                out.printf(Locale.ROOT, "fed %d human transcripts into H′'s buffer, counted as H calls%n",
                        human.size());
            }
            double evalAccuracy = Double.NaN;
            // a budget, not a deadline: nanoTime plus a huge budget would overflow ((long) saturates at the maximum)
            long budget = cfg.minutes() > 0 ? (long) (cfg.minutes() * 60e9) : Long.MAX_VALUE;
            boolean interrupted = false;
            try (MetricsLog log = !writer ? null : resume ? MetricsLog.resume(runDir, resumedAt)
                    : MetricsLog.open(runDir);
                 TensorBoardEvents tb = tensorBoard && writer ? TensorBoardEvents.create(runDir.resolve("tensorboard"))
                         : null) {
                if (tb != null) {
                    log.mirrorTo(tb::scalars);
                }
                long start = System.nanoTime();
                listener.stepped(loop.step, 0);
                while (cfg.steps() == 0 || loop.step < cfg.steps()) {
                    // {stop requested, time up}: any rank's request stops every rank, rank 0's clock decides
                    long[] stop = {stopRequested.getAsBoolean() ? 1 : 0,
                            writer && System.nanoTime() - start >= budget ? 1 : 0};
                    if (world.size() > 1) {
                        world.sum(stop);
                    }
                    if (stop[0] > 0) {
                        interrupted = true;
                        break;
                    }
                    if (stop[1] > 0) {
                        break;
                    }
                    if (traceEvery > 0 && loop.step % traceEvery == 0 && traceFiles < MAX_TRACE_FILES) {
                        loop.requestTrace();
                    }
                    loop.runStep();
                    listener.stepped(loop.step, (System.nanoTime() - start) / 1e9);
                    if (loop.step % cfg.logEvery() == 0) {
                        loop.checkReplicasAgree();
                        if (writer) {
                            record(loop, log, start);
                        }
                        loop.stats.reset();
                    }
                    if (loop.step % cfg.evalEvery() == 0 && writer) {
                        evalAccuracy = evaluate(loop, log, loop.evalRng);
                    }
                    if (loop.step % cfg.checkpointEvery() == 0 || pendingCheckpoint) {
                        checkpoint(loop, log);
                    }
                }
                if (loop.step % cfg.evalEvery() != 0 && !interrupted && writer) {
                    // off the schedule: its own questions, so the loop's state (saved next) is what it would be
                    evalAccuracy = evaluate(loop, log, new Rng(cfg.seed() ^ loop.step));
                }
                if (savedStep != loop.step) {
                    checkpoint(loop, log);
                }
            }
            return new Summary(loop.step, loop.curriculum.size(), evalAccuracy, loop.overseerCalls(), runDir,
                    interrupted, savedStep, savedStep == loop.step ? null : saveProblem, firstEval, lastEval);
        }
    }

    /**
     * Commits a checkpoint of the loop's state, unless its last step was skipped for non-finite values: then the
     * checkpoint waits for the next step that is applied, so that a run diverging into NaN never rotates its good
     * checkpoints out.
     */
    private void checkpoint(IdaLoop loop, MetricsLog log) throws IOException {
        if (loop.guard.consecutive() > 0) {
            if (!pendingCheckpoint) {
                out.println("checkpoint at step " + loop.step + " postponed: the last " + loop.guard.consecutive()
                        + " steps were skipped for a non-finite loss or gradient");
            }
            pendingCheckpoint = true;
            saveProblem = "its last steps were skipped for a non-finite loss or gradient";
            return;
        }
        pendingCheckpoint = false;
        loop.shareShardStreams();
        if (world.rank() != 0) {
            savedStep = loop.step;   // rank 0 saves every rank's state
            return;
        }
        log.sync();   // the log is at least as durable as the checkpoint it will be cut back to
        try {
            LoopCheckpoint.save(loop, checkpoints, runDir);
            savedStep = loop.step;
            saveProblem = null;
        } catch (CheckpointException e) {
            // the previous checkpoints are intact; training goes on and the next checkpoint tries again
            out.println("checkpoint at step " + loop.step + " abandoned: " + e.getMessage());
            saveProblem = e.getMessage();
        }
    }

    /** Writes one trace file; a failure says so once and ends the tracing, never the run. */
    private void writeTrace(long step, List<ObjectNode> lines) {
        if (traceFiles >= MAX_TRACE_FILES) {
            return;
        }
        Path dir = runDir.resolve("traces");
        Path file = dir.resolve("step-" + step + ".jsonl");
        Path tmp = dir.resolve("step-" + step + ".jsonl.tmp");
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                TraceFiles.write(w, lines, new TraceSummary());
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (++traceFiles == MAX_TRACE_FILES) {
                out.println("traces: " + MAX_TRACE_FILES + " files written in " + dir + ", the most a run writes");
            }
        } catch (IOException e) {
            out.println("warning: traces stopped: " + e.getMessage());
            traceFiles = MAX_TRACE_FILES;
        }
    }

    private void record(IdaLoop loop, MetricsLog log, long start) throws IOException {
        LoopStats s = loop.stats;
        double trainSeconds = s.trainNanos / 1e9;
        if (s.generationBatches > 0) {
            lastTargetAccuracy = s.targetAccuracySum / s.generationBatches;
        }
        MetricsLog.Record r = log.record()
                .put("step", loop.step)
                .put("round", loop.generations)
                .put("size", loop.curriculum.size())
                .put("level", loop.curriculum.level())
                .put("loss_x", s.lossSum / s.steps)
                .put("grad_norm_x", s.normSum / s.steps)
                .put("accuracy_train", s.trainAccuracySum / s.steps)
                .put("accuracy_teacher", s.teacherAccuracySum / s.generationBatches)
                .put("accuracy_targets", s.targetAccuracySum / s.generationBatches)
                .put("agreement", s.agreementSum / s.generationBatches)
                .put("judged_agreement", s.judgedAgreementSum / s.generationBatches)
                .put("curriculum_agreement", loop.curriculum.agreement())
                .put("targets_generated", s.generatedQuestions)
                .put("model_calls", loop.counters.modelCalls())
                .put("model_questions", loop.counters.modelQuestions())
                .put("overseer_decisions", loop.counters.overseerDecisions())
                .put("abstentions", loop.counters.abstentions())
                .put("skipped_steps", loop.guard.skipped())
                .put("questions_per_s", s.questions / trainSeconds)
                .put("generation_s", s.generationNanos / 1e9)
                .put("train_s", trainSeconds)
                .put("elapsed_s", (System.nanoTime() - start) / 1e9)
                .put("h_calls", loop.overseerCalls());
        s.teacherByClass.perClass().forEach((c, a) -> r.put("class_teacher/" + c, a));
        s.targetsByClass.perClass().forEach((c, a) -> r.put("class_targets/" + c, a));
        AskerTraining a = loop.askerTraining;
        if (a != null) {
            r.put("loss_asker", a.lastLoss).put("loss_asker_fresh", a.freshLoss).put("asker_steps", a.steps);
        }
        r.write();
        if (s.normSum == 0 && s.lossSum > 0 && !stallSaid) {
            // a gradient of exactly zero under a positive loss: X saturated (a learning rate far too large) and
            // every later step would change nothing, silently
            out.printf(Locale.ROOT, "warning: step %d: X's gradient was exactly 0 in each of the last %d steps while"
                    + " its loss was %.4g: X has saturated and stopped learning (is lr %g too large?)%n", loop.step,
                    s.steps, s.lossSum / s.steps, cfg.lr());
            stallSaid = true;
        }
        table.row(loop.step, loop.curriculum.size(), loop.curriculum.level(), s.lossSum / s.steps,
                s.trainAccuracySum / s.steps, s.teacherAccuracySum / s.generationBatches,
                s.targetAccuracySum / s.generationBatches, loop.curriculum.agreement(),
                a != null ? a.freshLoss : Double.NaN, loop.overseerCalls());
    }

    private double evaluate(IdaLoop loop, MetricsLog log, Rng rng) throws IOException {
        ClassAccuracy acc = loop.evaluate(cfg.size(), cfg.evalContexts(), rng);
        lastEval = new Evaluation(loop.step, acc);
        firstEval = firstEval == null ? lastEval : firstEval;
        MetricsLog.Record r = log.record().put("step", loop.step).put("eval_size", cfg.size())
                .put("eval_accuracy", acc.accuracy()).put("h_calls", loop.overseerCalls());
        for (Map.Entry<String, Double> e : acc.perClass().entrySet()) {
            r.put("eval_class/" + e.getKey(), e.getValue());
        }
        r.write();
        // one greppable line: the teacher on fresh questions of the final size; its latest targets' accuracy (at the
        // curriculum's size), the curriculum's size, and the calls to H so far
        out.printf(Locale.ROOT, "round %d step %d: teacher %.3f targets %.3f size %d H-calls %d%n", loop.generations,
                loop.step, acc.accuracy(), lastTargetAccuracy, loop.curriculum.size(), loop.overseerCalls());
        return acc.accuracy();
    }
}
