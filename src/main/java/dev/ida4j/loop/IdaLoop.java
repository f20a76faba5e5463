package dev.ida4j.loop;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.amplify.Counters;
import dev.ida4j.amplify.Decoding;
import dev.ida4j.amplify.DirectModel;
import dev.ida4j.amplify.Tree;
import dev.ida4j.backend.Backend;
import dev.ida4j.checkpoint.Checkpoints;
import dev.ida4j.cluster.SingleProcess;
import dev.ida4j.cluster.World;
import dev.ida4j.model.Model;
import dev.ida4j.model.answerer.Answerer;
import dev.ida4j.model.answerer.AnswererConfig;
import dev.ida4j.model.asker.Asker;
import dev.ida4j.model.asker.AskerConfig;
import dev.ida4j.optim.AdamW;
import dev.ida4j.optim.NonFiniteGuard;
import dev.ida4j.optim.Polyak;
import dev.ida4j.overseer.NoisyOverseer;
import dev.ida4j.overseer.Overseer;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.overseer.TranscriptLayout;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Task;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.trace.TraceRecorder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import tools.jackson.databind.node.ObjectNode;

/**
 * Iterated amplification, synchronously and deterministically: every {@code stepsPerGeneration} X steps one
 * generation batch (fresh contexts, targets by Amplify^{H′}(teacher), Amplify^{H}(teacher) or the ground truth)
 * goes into the replay buffer; each X step trains the student on contexts drawn from it and moves the EMA teacher;
 * in amplification mode each step also grants calls to the real H, whose transcripts train H′ one step.
 *
 * <p>The same config and seed give the same weights and the same metrics (wall-clock fields aside). For throughput,
 * {@link #startAsync} moves generation to worker threads instead (the {@code generationWorkers} setting), giving up
 * determinism.
 *
 * <p>In a world of several processes ({@link World}) the loop is data-parallel ({@link Replicas}): each rank generates
 * its shards of every generation batch and trains on its slice of every batch, and all ranks hold the same weights,
 * buffers and decisions. The same config, seed and shard count give the same run with any number of processes that
 * divides the shards, up to the rounding of sums taken in another order (and BatchNorm's statistics, which come from
 * each rank's slice).
 */
public final class IdaLoop implements AutoCloseable {
    final LoopConfig cfg;
    final Backend backend;
    final Task task;
    final int maxFacts;                // per context, at the final size
    final int maxQuestions;
    final int generationCapacity;      // contexts the teacher answers at once
    final Answerer student;
    final Answerer teacher;
    final AdamW xOptimizer;
    final Polyak polyak;
    final NonFiniteGuard guard = new NonFiniteGuard(10);
    private final TensorArena skipArena;
    private final Tensor studentBuffers;     // the student's BatchNorm statistics before its step, or null without
    private final Tensor savedBuffers;       // a copy of them, put back when the step is skipped
    final Asker asker;                 // null unless amplification mode
    final AdamW askerOptimizer;        // null unless amplification mode
    final AskerTraining askerTraining; // null unless amplification mode
    final RecordBuffer xBuffer;
    final RecordBuffer askerBuffer;    // null unless amplification mode
    final TrainingBatch batch;
    final Curriculum curriculum;
    final Counters counters = new Counters();
    final Amplifier amplifier;
    final Generation generation;
    final Overseer targetOverseer;     // null in the supervised baseline
    final Rng dataRng;
    final Rng answerRng;
    final Rng trainRng;
    final Rng noiseRng;
    final Rng evalRng;
    final Replicas replicas;
    final Rng[] shardDataRngs;         // per generation shard; shard 0's are dataRng and answerRng
    final Rng[] shardAnswerRngs;
    private final Overseer[] shardOverseers;
    final Rng callDataRng;             // H's calls for H′: dataRng and answerRng unless there are several shards
    final Rng callAnswerRng;
    final TranscriptLayout layout;
    long step;
    long generations;
    long targetQuestions;              // questions given targets, over the whole run
    private AsyncGeneration async;     // null unless generation runs on a worker
    /** Contexts of a generation batch whose trees a trace keeps. */
    static final int TRACED_CONTEXTS = 2;
    private final AtomicBoolean traceWanted = new AtomicBoolean();
    private volatile Consumer<List<ObjectNode>> traceSink;   // null unless traced
    private TraceRecorder traceRecorder;
    private long asyncBase = -1;       // generations when the buffer first held its minimum, less step/ratio
    final LoopStats stats = new LoopStats();

    public IdaLoop(Backend backend, LoopConfig cfg) {
        this(backend, cfg, new SingleProcess());
    }

    /**
     * The loop as one rank of {@code world}.
     *
     * @throws IllegalArgumentException if the config cannot be shared out among the world's processes (each named)
     */
    public IdaLoop(Backend backend, LoopConfig cfg, World world) {
        requireShareable(cfg, world.size());
        this.cfg = cfg;
        this.replicas = new Replicas(world, cfg.generationShards());
        this.backend = backend;
        this.task = cfg.task();
        int facts = task.factCount(cfg.size());
        int questions = cfg.questionsPerContext() > 0 ? cfg.questionsPerContext() : facts;
        this.maxFacts = facts;
        this.maxQuestions = questions;
        AnswererConfig xc = (cfg.preset().equals("paper")
                ? AnswererConfig.paper(task.vocabulary().size(), task.factLength(), task.questionLength(),
                task.answerLength())
                : AnswererConfig.small(task.vocabulary().size(), task.factLength(), task.questionLength(),
                task.answerLength())).withPreLayerNorm(cfg.preLayerNorm()).withDropout(cfg.dropout());
        this.generationCapacity = Math.max(cfg.generationContexts(), cfg.evalContexts());
        this.student = new Answerer(backend, xc, cfg.trainContexts(), facts, questions);
        this.teacher = new Answerer(backend, xc, generationCapacity, facts, questions);
        Rng root = new Rng(cfg.seed());
        student.initialize(root.nextLong());
        teacher.initialize(root.nextLong());
        student.setTraining(true);
        teacher.setTraining(false);
        this.skipArena = backend.arena("skip");
        boolean hasBuffers = !student.buffers().layout().entries().isEmpty();
        this.studentBuffers = hasBuffers ? student.buffers().all() : null;
        this.savedBuffers = hasBuffers
                ? skipArena.allocate("student.buffers.saved", student.buffers().layout()).all() : null;
        this.xOptimizer = new AdamW(backend, student.params(),
                new AdamW.Settings(cfg.lr(), 0.9f, cfg.beta2(), 1e-8f, 0f, cfg.clip()));
        this.polyak = new Polyak(backend, Models.blocks(teacher), Models.blocks(student), cfg.emaHorizon());
        this.dataRng = root.split();
        this.answerRng = root.split();
        this.trainRng = root.split();
        this.evalRng = root.split();
        this.batch = new TrainingBatch(facts, questions, task.factLength(),
                task.questionLength(), task.answerLength());
        this.xBuffer = new RecordBuffer(cfg.bufferContexts(), batch.recordLength());
        // the supervised baseline may climb the ground truth's difficulty; amplification only what H sees
        boolean byDifficulty = cfg.mode() == Mode.SUPERVISED;
        int levels = !cfg.levelCurriculum() ? 0 : byDifficulty ? task.difficulties(cfg.startSize()) : task.levels();
        this.curriculum = new Curriculum(cfg.startSize(), cfg.size(), levels, byDifficulty, cfg.promoteAt(), 100,
                cfg.promoteMinBatches());
        this.amplifier = new Amplifier(task, teacherModel(), counters, cfg.subanswerErrorRate(), cfg.abstainBelow());
        this.generation = new Generation(task, amplifier, batch, cfg.sampledTeacher(), cfg.excludeModalAnswer());
        this.noiseRng = root.split();
        Overseer h = new ScriptOverseer(task);
        if (cfg.overseerErrorRate() > 0) {
            h = new NoisyOverseer(h, task, cfg.overseerErrorRate(), noiseRng);
        }
        this.layout = new TranscriptLayout(task.slots(), task.questionLength(), task.answerLength());
        if (cfg.mode() == Mode.AMPLIFICATION) {
            int transcripts = Math.max(cfg.askerBatch(), generationCapacity * questions);
            this.asker = new Asker(backend, AskerConfig.reference(task.vocabulary().size(), task.questionLength(),
                    task.answerLength(), task.slots()).withLayers(cfg.askerLayers()).withPostLn(!cfg.preLayerNorm())
                    .withDropout(cfg.dropout()),
                    transcripts);
            asker.initialize(root.nextLong());
            this.askerOptimizer = new AdamW(backend, asker.params(),
                    new AdamW.Settings(cfg.lr(), 0.9f, cfg.beta2(), 1e-8f, 0f, cfg.clip()));
            this.askerBuffer = new RecordBuffer(cfg.askerBuffer(), layout.length());
            Amplifier forH = cfg.askerCallNoise() == 0 ? amplifier
                    : new Amplifier(task, teacherModel(), counters, cfg.askerCallNoise(), cfg.abstainBelow());
            this.askerTraining = new AskerTraining(task, asker, askerOptimizer, forH, h, askerBuffer,
                    cfg.askerInitialBudget(), cfg.generationContexts(), cfg.askerBatch(), cfg.minAskerBuffer(),
                    cfg.sampledTeacher(), cfg.askerStepRate(), cfg.askerLossBand(), replicas);
            this.targetOverseer = new LearnedOverseer(asker, layout, cfg.sampledAsker() ? answerRng : null);
        } else {
            this.asker = null;
            this.askerOptimizer = null;
            this.askerBuffer = null;
            this.askerTraining = null;
            this.targetOverseer = cfg.mode() == Mode.NOASKER ? h : null;
        }
        // the streams of shards 1.. come after all the others, so that a run of one shard draws as it always has
        int shards = cfg.generationShards();
        this.shardDataRngs = new Rng[shards];
        this.shardAnswerRngs = new Rng[shards];
        this.shardOverseers = new Overseer[shards];
        for (int k = 0; k < shards; k++) {
            shardDataRngs[k] = k == 0 ? dataRng : root.split();
            shardAnswerRngs[k] = k == 0 ? answerRng : root.split();
            shardOverseers[k] = k == 0 || asker == null ? targetOverseer
                    : new LearnedOverseer(asker, layout, cfg.sampledAsker() ? shardAnswerRngs[k] : null);
        }
        // each rank's slice gets dropout masks of its own (rank 0's are those of a single process)
        student.setDropoutStream(world.rank());
        if (asker != null) {
            asker.setDropoutStream(world.rank());
        }
        this.callDataRng = shards == 1 ? dataRng : root.split();
        this.callAnswerRng = shards == 1 ? answerRng : root.split();
    }

    /**
     * Refuses settings that {@code processes} processes cannot share out, naming each.
     *
     * @throws IllegalArgumentException listing the problems
     */
    public static void requireShareable(LoopConfig cfg, int processes) {
        int shards = cfg.generationShards();
        List<String> problems = new ArrayList<>();
        if (shards % processes != 0) {
            problems.add("generation-shards " + shards + " is not a multiple of the " + processes + " processes");
        }
        if (cfg.generationContexts() % shards != 0) {
            problems.add("generation-contexts " + cfg.generationContexts() + " do not split into " + shards
                    + " equal generation shards");
        }
        if (cfg.trainContexts() < processes) {
            problems.add("batch " + cfg.trainContexts() + " has fewer contexts than the " + processes
                    + " processes");
        }
        if (cfg.mode() == Mode.AMPLIFICATION && cfg.askerBatch() < processes) {
            problems.add("asker-batch " + cfg.askerBatch() + " has fewer transcripts than the " + processes
                    + " processes");
        }
        if (shards > 1 && cfg.overseerErrorRate() > 0) {
            problems.add("overseer-error-rate draws from one stream, which several generation shards cannot share");
        }
        if (processes > 1 && cfg.generationWorkers() > 0) {
            problems.add("generation-workers " + cfg.generationWorkers() + ": each of several processes generates"
                    + " in its training thread (set 0)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    public Task task() {
        return task;
    }

    /**
     * Restores the models of the newest intact checkpoint of {@code runDir} (its model file verified; a damaged newer
     * one is passed over, saying so on {@code say}), to answer questions with; returns its step.
     */
    public long restoreModels(Backend backend, Path runDir, Consumer<String> say) throws IOException {
        LoopCheckpoint.restoreNewestIntact(this, new Checkpoints(backend), runDir, true, say);
        return step;
    }

    /** The EMA teacher answering directly, as the amplifier's model (what a person's subquestions get). */
    public DirectModel teacherModel() {
        return Models.direct(teacher, generationCapacity);
    }

    /**
     * A fresh H′ overseer (greedy when {@code rng} is null), or null when the run has none (not amplification mode).
     * Fresh, so that its decoding cache starts empty: a person may edit what the previous one proposed.
     */
    public Overseer learnedOverseer(RandomGenerator rng) {
        return asker == null ? null : new LearnedOverseer(asker, layout, rng);
    }

    /**
     * Feeds transcripts of a person overseeing (finished, of this run's task) into H′'s replay buffer, counted as
     * calls to H: H′ then imitates them like H's own.
     *
     * @throws IllegalStateException if the run has no H′ (not amplification mode)
     */
    public void feedTranscripts(List<Transcript> transcripts) {
        if (askerTraining == null) {
            throw new IllegalStateException("only amplification mode trains H′; this run is in mode "
                    + cfg.mode().label());
        }
        askerTraining.add(transcripts);
    }

    /** X steps taken. */
    public long step() {
        return step;
    }

    /**
     * Calls to the real overseer H so far, each one question it decomposed: its transcripts for H′ (amplification),
     * every target (noasker), none (the supervised baseline).
     */
    public long overseerCalls() {
        return switch (cfg.mode()) {
            case AMPLIFICATION -> askerTraining.calls;
            case NOASKER -> targetQuestions;
            case SUPERVISED -> 0;
        };
    }

    /**
     * One X step with everything scheduled before it: generation batches (until the buffer holds its minimum, then
     * one every {@code stepsPerGeneration} steps), calls to H and one H′ step (amplification mode).
     */
    public void runStep() {
        if (async != null) {
            runAsyncStep();
            return;
        }
        if (step % cfg.stepsPerGeneration() == 0 || xBuffer.size() < cfg.minBufferContexts()) {
            do {
                generate();
            } while (xBuffer.size() < cfg.minBufferContexts());
        }
        trainModels();
    }

    /** The calls to H and H′'s step that its budget grants (amplification mode), then X's step. */
    private void trainModels() {
        if (askerTraining != null) {
            askerTraining.grant();
            askerTraining.callOverseer(curriculum.size(), callDataRng, callAnswerRng);
            askerTraining.train(trainRng);
        }
        trainStudent();
    }

    /**
     * Moves generation to worker threads, one per backend (for example one per spare core): from now on each step
     * takes the batches the workers have finished and publishes the teacher's and H′'s weights for their next
     * batches. The ratio of the synchronous loop is kept (one batch per {@code stepsPerGeneration} steps once the
     * buffer holds its minimum, the trainer waiting when it is more than one batch ahead), but generating and
     * training overlap, and several workers generate at once. The run is then no longer deterministic: which weights
     * a batch is made with depends on timing.
     */
    public void startAsync(List<Backend> workerBackends) {
        if (async != null) {
            throw new IllegalStateException("generation already runs on workers");
        }
        async = new AsyncGeneration(this, workerBackends);
    }

    private void runAsyncStep() {
        while (xBuffer.size() < cfg.minBufferContexts()) {
            accept(async.drain(true));
        }
        if (asyncBase < 0) {
            asyncBase = generations - step / cfg.stepsPerGeneration();
        }
        // at most one batch behind the synchronous schedule
        while (generations < asyncBase + step / cfg.stepsPerGeneration() - 1) {
            accept(async.drain(true));
        }
        accept(async.drain(false));
        trainModels();
        async.publish();
    }

    private void accept(List<AsyncGeneration.Batch> batches) {
        for (AsyncGeneration.Batch b : batches) {
            for (int c = 0; c < b.contexts(); c++) {
                xBuffer.add(Arrays.copyOfRange(b.records(), c * xBuffer.recordLength(),
                        (c + 1) * xBuffer.recordLength()));
            }
            traced(b.result());
            generations++;
            targetQuestions += b.result().questions();
            counters.add(b.cost());
            stats.generated(b.result(), b.nanos());
            curriculum.record(b.result().judgedAgreement());
            async.draw(curriculum.draw());
        }
    }

    /**
     * Hands a small sample of the generation batches' trees to {@code sink} as trace lines ({@code TRACES.md}):
     * those of {@link #TRACED_CONTEXTS} contexts of the next batch generated after each {@link #requestTrace}. The
     * targets are the same as without it; H′'s probabilities are those of its weights when the lines are made.
     */
    public void traceGenerations(Consumer<List<ObjectNode>> sink) {
        this.traceSink = sink;
        this.traceRecorder = new TraceRecorder(task, asker);
    }

    /** Asks for the trees of the next generation batch (see {@link #traceGenerations}). */
    public void requestTrace() {
        traceWanted.set(true);
    }

    /** The contexts to trace of the batch about to be generated: a pending request taken, or 0. */
    int tracedContexts() {
        return traceSink != null && targetOverseer != null && traceWanted.getAndSet(false) ? TRACED_CONTEXTS : 0;
    }

    private void traced(Generation.Result r) {
        if (r.traced() != null) {
            traceSink.accept(traceRecorder.lines(r.traced().contexts(), r.traced().trees(), step));
        }
    }

    /** One generation batch: this rank's shards of it, then every rank's shards in order into the buffer. */
    private void generate() {
        long start = System.nanoTime();
        Curriculum.Draw draw = curriculum.draw();
        int contexts = cfg.generationContexts() / replicas.shards;
        List<GenerationPart> mine = new ArrayList<>();
        for (int k = replicas.firstShard(); k < replicas.endShard(); k++) {
            mine.add(generation.part(contexts, draw, cfg.questionsPerContext(), shardOverseers[k], cfg.depth(),
                    shardDataRngs[k], shardAnswerRngs[k], k == 0 ? tracedContexts() : 0));
        }
        Generation.Result result = generation.add(replicas.gather(mine), xBuffer);
        traced(result);
        generations++;
        targetQuestions += result.questions();
        stats.generated(result, System.nanoTime() - start);
        curriculum.record(result.judgedAgreement());
    }

    private void trainStudent() {
        long start = System.nanoTime();
        batch.sample(xBuffer, cfg.trainContexts(), trainRng);
        int questions = questions(0, batch.contexts());
        int lo = replicas.sliceStart(batch.contexts());
        int hi = replicas.sliceEnd(batch.contexts());
        if (replicas.single()) {
            student.setBatch(batch.contexts(), batch.facts(), batch.questions(), batch.factTokens(),
                    batch.questionTokens(), batch.answerTokens(), batch.questionMask());
        } else {
            // this rank's slice of contexts, padded as the whole batch is
            int f = batch.facts();
            int q = batch.questions();
            student.setBatch(hi - lo, f, q, slice(batch.factTokens(), lo, hi, f * task.factLength()),
                    slice(batch.questionTokens(), lo, hi, q * task.questionLength()),
                    slice(batch.answerTokens(), lo, hi, q * task.answerLength()),
                    Arrays.copyOfRange(batch.questionMask(), lo * q, hi * q));
        }
        copy(savedBuffers, studentBuffers);
        // the slices' mean losses and gradients, weighted by their share of the batch's questions
        double[] reduced = {student.forwardBackward(), student.exactMatch()};
        replicas.sumWeighted(backend, student.grads(), questions(lo, hi) / (float) questions, reduced);
        float loss = (float) reduced[0];
        AdamW.StepResult result = xOptimizer.tryStep(student.params(), student.grads(), loss);
        if (!result.applied()) {
            // the forward pass of a skipped step still moved the running statistics, with non-finite values
            copy(studentBuffers, savedBuffers);
        }
        replicas.shareStatistics(student);
        if (result.applied()) {
            polyak.update(xOptimizer.steps());
        }
        guard.check(step + 1, loss, result);
        step++;
        stats.trained(loss, result.norm(), (float) reduced[1], questions, System.nanoTime() - start);
    }

    /**
     * Gives every rank the state of every generation shard's streams (each rank draws only from its own shards'):
     * what a checkpoint saves, so that a resumed job, with any number of processes that divides the shards, draws on.
     * Every rank must call it at the same point.
     */
    void shareShardStreams() {
        if (replicas.single()) {
            return;
        }
        int len = dataRng.state().length;
        long[] states = new long[2 * replicas.shards * len];
        for (int k = replicas.firstShard(); k < replicas.endShard(); k++) {
            System.arraycopy(shardDataRngs[k].state(), 0, states, 2 * k * len, len);
            System.arraycopy(shardAnswerRngs[k].state(), 0, states, (2 * k + 1) * len, len);
        }
        replicas.world.sum(states);   // each slot is one rank's, zero on the others
        for (int k = 0; k < replicas.shards; k++) {
            shardDataRngs[k].restore(Arrays.copyOfRange(states, 2 * k * len, (2 * k + 1) * len));
            shardAnswerRngs[k].restore(Arrays.copyOfRange(states, (2 * k + 1) * len, (2 * k + 2) * len));
        }
    }

    /**
     * Ends the job when this rank's models differ from rank 0's ({@link Replicas#checkSame}); every rank must call it
     * at the same point.
     */
    void checkReplicasAgree() {
        List<Model> models = new ArrayList<>(List.of(student, teacher));
        if (asker != null) {
            models.add(asker);
        }
        replicas.checkSame(step, models);
    }

    /** The questions of contexts [lo, hi) of the batch. */
    private int questions(int lo, int hi) {
        int n = 0;
        for (int i = lo * batch.questions(); i < hi * batch.questions(); i++) {
            n += (int) batch.questionMask()[i];
        }
        return n;
    }

    /** Rows [lo, hi) of {@code a}, rows of {@code width}. */
    private static int[] slice(int[] a, int lo, int hi, int width) {
        return Arrays.copyOfRange(a, lo * width, hi * width);
    }

    /** {@code dst = src} on the device (both null for a model without buffers). */
    private void copy(Tensor dst, Tensor src) {
        if (dst != null) {
            backend.fill(dst, 0f);
            backend.ema(dst, src, 1f, dst.numel());   // 0 + 1·(src − 0) is src exactly
        }
    }

    /**
     * The teacher's greedy answers to fresh questions at {@code size}, drawn with {@code rng} (the loop's own
     * evaluation generator for scheduled evaluations), graded against the ground truth.
     */
    public ClassAccuracy evaluate(int size, int contexts, Rng rng) {
        Questions qs = Questions.sample(task, contexts, size, cfg.questionsPerContext(), rng);
        return qs.grade(task, amplifier.answerDirectly(qs.contexts(), qs.questions(), null));
    }

    /**
     * Greedy answers to {@code qs} by {@code model}: "teacher" or "student" answering directly, or "amplified",
     * Amplify(teacher) with the run's overseer (H′ in amplification mode, else the algorithmic H).
     */
    public List<List<int[]>> answers(String model, Questions qs) {
        return switch (model) {
            case "teacher" -> amplifier.answerDirectly(qs.contexts(), qs.questions(), null);
            case "student" -> new Amplifier(task, Models.direct(student, cfg.trainContexts()), new Counters(), 0)
                    .answerDirectly(qs.contexts(), qs.questions(), null);
            case "amplified" -> Generation.answers(amplifier.amplify(qs.contexts(), qs.questions(),
                    asker != null ? new LearnedOverseer(asker, layout, null) : new ScriptOverseer(task), cfg.depth(),
                    evalRng, Decoding.GREEDY_FRESH_REPEATS));
            default -> throw new IllegalArgumentException("unknown model '" + model
                    + "'; valid: teacher, student, amplified");
        };
    }

    /**
     * Trace lines ({@code TRACES.md}) of Amplify(model) on {@code qs} at {@code depth}, greedy: "teacher" or
     * "student" answering the subquestions, the run's overseer deciding (H′ in amplification mode, else H).
     */
    public List<ObjectNode> trace(String model, Questions qs, int depth) {
        Amplifier a = switch (model) {
            case "teacher" -> amplifier;
            case "student" -> new Amplifier(task, Models.direct(student, cfg.trainContexts()), new Counters(), 0);
            default -> throw new IllegalArgumentException("unknown model '" + model + "'; valid: teacher, student");
        };
        Overseer o = asker != null ? new LearnedOverseer(asker, layout, null) : new ScriptOverseer(task);
        List<List<Tree>> trees = a.amplifyTraced(qs.contexts(), qs.questions(), o, depth, evalRng,
                Decoding.GREEDY_FRESH_REPEATS);
        return new TraceRecorder(task, asker).lines(qs.contexts(), trees, -1);
    }

    @Override
    public void close() {
        if (async != null) {
            async.close();
        }
        if (asker != null) {
            askerOptimizer.close();
            asker.close();
        }
        xOptimizer.close();
        skipArena.close();
        replicas.close();
        teacher.close();
        student.close();
    }
}
