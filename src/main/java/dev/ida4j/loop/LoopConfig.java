package dev.ida4j.loop;

import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything that decides what a training run computes (validated once, here). Two runs with the same config
 * compute the same thing; {@code minutes} only decides when to stop, and {@code threads} only how fast.
 *
 * @param preLayerNorm             X and H′ as modern pre-LayerNorm transformers without BatchNorm (the reference:
 *                                 post-LayerNorm with BatchNorm in the MLP branch)
 * @param dropout                  dropout probability in X and H′ while they train (the reference: 0.1)
 * @param generationContexts       contexts per generation batch (the reference: 50)
 * @param trainContexts            contexts per X training step (the reference: 50), all their questions
 * @param stepsPerGeneration       X steps between generation batches (the explicit ratio of the synchronous mode)
 * @param questionsPerContext      questions per generated context; 0 means one per fact (the reference)
 * @param bufferContexts           X replay buffer capacity in contexts (the reference: 10,000)
 * @param minBufferContexts        contexts generated before X trains (the reference: 500)
 * @param askerBuffer              H′ replay buffer capacity in transcripts (the reference: 100,000)
 * @param askerInitialBudget       H transcripts granted at the start (the reference: 500)
 * @param askerBatch               transcripts per H′ step (the reference: 50)
 * @param minAskerBuffer           transcripts collected before H′ trains (the reference: 250)
 * @param depth                    amplification depth of the targets (1: the overseer's subquestions go to X)
 * @param subanswerErrorRate       injected errors in subanswers (0 = none)
 * @param overseerErrorRate        injected errors in the overseer's final answers (0 = none)
 * @param emaHorizon               the EMA teacher's horizon h: teacher += (student - teacher) / min(step, h)
 * @param promoteAt                curriculum: teacher-target agreement needed to grow the size (the reference: 0.85)
 * @param promoteMinBatches        curriculum: generation batches at a size before it may grow
 * @param threads                  CPU threads of the training backend
 * @param generationWorkers        0: generation in the training thread, synchronous and deterministic; N: on N
 *                                 worker threads with a backend each, beside training (faster on a machine with
 *                                 cores to spare; not deterministic)
 * @param sampledTeacher           the teacher samples its answers in generation (subanswers, and its own answers that
 *                                 the curriculum compares with the targets), as the reference does; false: greedy,
 *                                 which gives better targets while the teacher is unsure (the default but on
 *                                 shortest path), but with a fresh sample for a subquestion asked again in one
 *                                 transcript
 * @param askerLayers              layers of H′ (the reference: 4; the default: 2, which learned H on all five
 *                                 tasks as quickly or more so, and halves the cost of decoding it, most of a
 *                                 generation batch's time)
 * @param levelCurriculum          for a task whose questions show their level to H (the bits of k, the wildcards):
 *                                 draw the low levels first and add one level at a time ({@link Curriculum}); the
 *                                 supervised baseline climbs the ground truth's difficulty instead, on every task;
 *                                 the reference draws every level from the start
 * @param excludeModalAnswer       the curriculum promotes on agreement over the questions whose target is not the
 *                                 batch's commonest ({@link Agreement}), which a teacher repeating the commonest
 *                                 answer cannot win; false: on all questions, as the reference
 * @param abstainBelow             the teacher's subanswers in generation whose probability under it is below this
 *                                 become {@code ?} (0: never, as the reference), so that targets build on what it
 *                                 knows; H answers {@code ?} to what rests on an unknown
 * @param sampledAsker             H′ samples its decisions in generation, as the reference does; false: its most
 *                                 likely ones
 * @param askerStepRate            H′ training steps per X step, at most 1; 0: one per call to H granted by the
 *                                 budget (1, 0.1 or 0.01 per X step by H′'s loss)
 * @param askerCallNoise           in H's transcripts for H′, the share of subanswers replaced by a random answer or
 *                                 {@code ?} (as {@code subanswerErrorRate} does everywhere), so that H′ sees H's
 *                                 decisions on more kinds of subanswers than the teacher gives; 0: none
 * @param askerLossBand            the budget of calls to H grants 1 per X step while H′'s loss on fresh transcripts is
 *                                 at least this, 0.1 while it is at least a tenth of it, else 0.01 (the reference:
 *                                 0.1; the default: 0.0001, so that H′ goes on learning from H until it imitates it
 *                                 closely, the rare cases included)
 * @param generationShards         a generation batch is made in this many equal shards, each drawing from random
 *                                 streams of its own, so that several processes can share them out (a data-parallel
 *                                 job: any number of processes that divides it); 1 for one process, and what the
 *                                 command line sets to the number of processes when a job starts with 1
 */
public record LoopConfig(String taskName, Mode mode, int size, int startSize, long steps, double minutes, long seed,
                         String preset, boolean preLayerNorm, float dropout, float lr, float beta2, float clip,
                         int generationContexts, int trainContexts, int stepsPerGeneration, int questionsPerContext,
                         int bufferContexts, int minBufferContexts,
                         int askerBuffer, int askerInitialBudget, int askerBatch, int minAskerBuffer, int depth,
                         double subanswerErrorRate, double overseerErrorRate, int emaHorizon, double promoteAt,
                         int promoteMinBatches, int evalEvery, int evalContexts, int logEvery, int checkpointEvery,
                         int keepCheckpoints, int threads, int generationWorkers, boolean sampledTeacher,
                         int askerLayers, boolean levelCurriculum, boolean excludeModalAnswer, double abstainBelow,
                         boolean sampledAsker, double askerStepRate, double askerCallNoise, double askerLossBand,
                         int generationShards) {

    /** Contexts in one batch at most: 200 times the reference's 50, far more than any machine trains at once. */
    public static final int MAX_CONTEXTS = 10_000;
    /** CPU threads at most: more threads than this machine generation has cores only waste memory and time. */
    public static final int MAX_THREADS = 256;

    /** The reference's dropout in X and H′: the default, and what runs saved before the setting existed used. */
    public static final float REFERENCE_DROPOUT = 0.1f;
    /** The reference's H′ layers, and what runs saved before the setting existed used. */
    public static final int REFERENCE_ASKER_LAYERS = 4;
    /** H′ layers unless a run chooses: half the reference's, for a small CPU (benchmarks/RESULTS.md). */
    public static final int DEFAULT_ASKER_LAYERS = 2;

    /** Fields added since runs were first saved, each with the value a run saved without it had. */
    private static final Map<String, Object> ADDED_SINCE_FIRST_SAVE = Map.ofEntries(
            Map.entry("generationWorkers", 0), Map.entry("sampledTeacher", true),
            Map.entry("dropout", REFERENCE_DROPOUT), Map.entry("askerLayers", REFERENCE_ASKER_LAYERS),
            Map.entry("levelCurriculum", false), Map.entry("excludeModalAnswer", false),
            Map.entry("abstainBelow", 0.0), Map.entry("sampledAsker", true), Map.entry("askerStepRate", 0.0),
            Map.entry("askerCallNoise", 0.0), Map.entry("askerLossBand", 0.1), Map.entry("generationShards", 1));

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    public LoopConfig {
        Task task = Tasks.byName(taskName);
        if (size < 2 || size > 64) {
            throw new IllegalArgumentException("size " + size + " is outside 2..64");
        }
        if (startSize < 2 || startSize > size) {
            throw new IllegalArgumentException("curriculum start size " + startSize + " is outside 2.." + size);
        }
        if (steps < 0 || !(minutes >= 0) || (steps == 0 && minutes == 0)) {
            throw new IllegalArgumentException("give a positive step count or a positive number of minutes (steps "
                    + steps + ", minutes " + minutes + ")");
        }
        requirePositive("generationContexts", generationContexts);
        requirePositive("trainContexts", trainContexts);
        requirePositive("stepsPerGeneration", stepsPerGeneration);
        requirePositive("bufferContexts", bufferContexts);
        requirePositive("minBufferContexts", minBufferContexts);
        requirePositive("askerBuffer", askerBuffer);
        requirePositive("askerBatch", askerBatch);
        requirePositive("minAskerBuffer", minAskerBuffer);
        requirePositive("depth", depth);
        requirePositive("emaHorizon", emaHorizon);
        requirePositive("evalEvery", evalEvery);
        requirePositive("evalContexts", evalContexts);
        requirePositive("logEvery", logEvery);
        requirePositive("checkpointEvery", checkpointEvery);
        requirePositive("keepCheckpoints", keepCheckpoints);
        requirePositive("threads", threads);
        requirePositive("generationShards", generationShards);
        requireAtMost("generationContexts", generationContexts, MAX_CONTEXTS);
        requireAtMost("trainContexts", trainContexts, MAX_CONTEXTS);
        requireAtMost("evalContexts", evalContexts, MAX_CONTEXTS);
        requireAtMost("threads", threads, MAX_THREADS);
        requireAtMost("generationShards", generationShards, generationContexts);
        if (askerLayers < 1 || askerLayers > 16) {
            throw new IllegalArgumentException("askerLayers " + askerLayers + " is outside 1..16");
        }
        if (generationWorkers < 0 || generationWorkers > 64) {
            throw new IllegalArgumentException("generationWorkers " + generationWorkers + " is outside 0..64");
        }
        if (questionsPerContext < 0) {
            throw new IllegalArgumentException("questionsPerContext " + questionsPerContext + " must be >= 0");
        }
        if (minBufferContexts > bufferContexts || minAskerBuffer > askerBuffer) {
            throw new IllegalArgumentException("a buffer's minimum fill exceeds its capacity");
        }
        if (!(subanswerErrorRate >= 0 && subanswerErrorRate <= 1 && overseerErrorRate >= 0
                && overseerErrorRate <= 1)) {
            throw new IllegalArgumentException("error rates must be in [0, 1]");
        }
        if (!(abstainBelow >= 0 && abstainBelow < 1)) {
            throw new IllegalArgumentException("abstainBelow " + abstainBelow + " is outside [0, 1)");
        }
        if (!(askerLossBand > 0)) {
            throw new IllegalArgumentException("askerLossBand " + askerLossBand + " must be positive");
        }
        if (!(askerCallNoise >= 0 && askerCallNoise <= 1)) {
            throw new IllegalArgumentException("askerCallNoise " + askerCallNoise + " is outside [0, 1]");
        }
        if (!(askerStepRate >= 0 && askerStepRate <= 1)) {
            throw new IllegalArgumentException("askerStepRate " + askerStepRate + " is outside [0, 1]");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout " + dropout + " is outside [0, 1)");
        }
        if (!(lr > 0 && lr < Float.POSITIVE_INFINITY) || !(beta2 > 0 && beta2 < 1) || !(clip >= 0)) {
            throw new IllegalArgumentException("lr " + lr + " must be > 0, beta2 " + beta2 + " in (0, 1), clip "
                    + clip + " >= 0");
        }
        if (!preset.equals("small") && !preset.equals("paper")) {
            throw new IllegalArgumentException("unknown model preset '" + preset + "'; valid: small, paper");
        }
        if (task.factCount(size) < 1) {
            throw new IllegalArgumentException("task " + taskName + " has no facts at size " + size);
        }
    }

    private static void requireAtMost(String name, long value, long max) {
        if (value > max) {
            throw new IllegalArgumentException(name + " " + value + " exceeds " + max);
        }
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** The recipes {@link #recipe} knows, the default first. */
    public static final List<String> RECIPES = List.of("default", "reference");

    /**
     * The settings of a named recipe: {@code default}, the best measured on a small CPU ({@link #defaults}), or
     * {@code reference}, the 2018 code's ({@link #reference}).
     */
    public static LoopConfig recipe(String name, String taskName, Mode mode, int size, long steps, double minutes,
                                    long seed) {
        return switch (name) {
            case "default" -> defaults(taskName, mode, size, steps, minutes, seed);
            case "reference" -> reference(taskName, mode, size, steps, minutes, seed);
            default -> throw new IllegalArgumentException("unknown recipe '" + name + "'; valid: "
                    + String.join(", ", RECIPES));
        };
    }

    /**
     * The tasks whose supervised baseline learns faster in X steps with a curriculum on the ground truth's difficulty
     * than with sizes alone (benchmarks/RESULTS.md, 7 Dec 2026); on the others it held the baseline back.
     */
    private static final List<String> SUPERVISED_DIFFICULTY_CURRICULUM = List.of("sequential-assignments");

    /**
     * Amplification's target depth by task where deeper targets were measured to help at equal X steps
     * (benchmarks/RESULTS.md, 7 Dec 2026): wildcard search's trees are as deep as its wildcards, and a target that
     * rests on the teacher's answers three levels down rather than one compounds the teacher's errors a third as
     * often (size 8: 66-72 % at depth 1, 87 % at 2, 91 % at 3, against 99 % supervised). Elsewhere 1, as the
     * reference.
     */
    private static final Map<String, Integer> AMPLIFICATION_DEPTH = Map.of("wildcard-search", 3);

    /**
     * Tasks whose amplification learned faster drawing every level from the start than climbing them (wildcard search:
     * X learned the higher levels slowly one at a time, as the supervised baseline did: 75 against 99 %).
     */
    private static final List<String> AMPLIFICATION_ALL_LEVELS = List.of("wildcard-search");

    /**
     * H′'s loss band (benchmarks/RESULTS.md, 7-8 Dec 2026): H′ must answer numbers it rarely sees (union-find's depths,
     * shortest path's d + 1), and its mean loss falls below the reference's band long before it does, which cuts its
     * calls to H to 0.01 per step; with 0.0001 it keeps about one per step (twice the calls to H in all). Against
     * 0.01, seeds 1 / 2: union-find 87.5 / 89.1 % against 79.8 / 75.8 %, shortest path 78.9 % against 64.8 % (seed 1),
     * permutation powering at 8 71.5 / 61.6 % against 64.6 / 59.8 % (at 4 a mean of 92.8 against 92.5 %), wildcard
     * search 95.1 / 95.2 % against 90.9 / 93.3 %, sequential assignments 85.4 / 80.2 % against 89.1 / 70.5 %.
     */
    private static final double ASKER_LOSS_BAND = 1e-4;

    /**
     * Tasks whose amplification learned more with a teacher that samples every answer in generation, as the
     * reference's does (benchmarks/RESULTS.md, 8 Dec 2026): shortest path, whose {@code next} steps propose and
     * verify, 79.2 / 78.4 % against 78.9 / 74.9 % greedy (seeds 1 / 2). Measured in amplification mode only.
     */
    private static final List<String> AMPLIFICATION_SAMPLED_TEACHER = List.of("shortest-path");

    /**
     * Defaults for a run on a small CPU: the reference's algorithm with smaller models and batches, a faster
     * optimiser, a greedy teacher (sampling on shortest path), and a curriculum that climbs the levels H can see (all at once, and targets three
     * levels deep, on wildcard search) and promotes on agreement that a fixed point cannot win
     * (benchmarks/RESULTS.md). The teacher bootstrapping amplification's targets has an EMA
     * horizon of 50 steps, fresh at lr 1e-3; the supervised baseline's, which gives no targets, keeps 1000, and it
     * climbs the ground truth's difficulty only where that was measured to help.
     */
    public static LoopConfig defaults(String taskName, Mode mode, int size, long steps, double minutes, long seed) {
        int start = Math.min(size, 8);
        boolean supervised = mode == Mode.SUPERVISED;
        int emaHorizon = supervised ? 1000 : 50;
        boolean levels = supervised ? SUPERVISED_DIFFICULTY_CURRICULUM.contains(taskName)
                : !AMPLIFICATION_ALL_LEVELS.contains(taskName);
        int depth = supervised ? 1 : AMPLIFICATION_DEPTH.getOrDefault(taskName, 1);
        boolean sampled = mode == Mode.AMPLIFICATION && AMPLIFICATION_SAMPLED_TEACHER.contains(taskName);
        return new LoopConfig(taskName, mode, size, start, steps, minutes, seed, "small", false, REFERENCE_DROPOUT,
                1e-3f, 0.98f, 1f, 16, 16, 2, 0, 2000, 64, 20_000, 500, 50, 250, depth, 0, 0, emaHorizon, 0.85, 69,
                250, 20, 25, 500, 3, 1, 0, sampled, DEFAULT_ASKER_LAYERS, levels, true, 0, true, 0, 0,
                ASKER_LOSS_BAND, 1);
    }

    /**
     * The 2018 code's settings ({@code paulfchristiano/amplification}, reference §1.4-1.6), for a faithful
     * comparison: the paper-size X, a 4-layer H′, Adam at 1e-5, batches of 50 contexts, a replay buffer of 10,000
     * contexts that trains from 500, an EMA teacher of horizon 1000 that samples its answers, every question level
     * from the start, and promotion at 0.85 raw agreement from size 8 (10 for union-find). Generation is synchronous,
     * one batch per X step (the reference's threads ran flat out, at a ratio its hardware set).
     */
    public static LoopConfig reference(String taskName, Mode mode, int size, long steps, double minutes, long seed) {
        int start = Math.min(size, taskName.equals("union-find") ? 10 : 8);
        return new LoopConfig(taskName, mode, size, start, steps, minutes, seed, "paper", false, REFERENCE_DROPOUT,
                1e-5f, 0.98f, 1f, 50, 50, 1, 0, 10_000, 500, 100_000, 500, 50, 250, 1, 0, 0, 1000, 0.85, 69, 250, 20,
                25, 500, 3, 1, 0, true, REFERENCE_ASKER_LAYERS, false, false, 0, true, 1, 0, 0.1, 1);
    }

    /**
     * This config with one field changed (the record component's name, for example {@code "lr"}); the result is
     * validated like any other. Config files and the command line go through here.
     */
    public LoopConfig with(String field, Object value) {
        ObjectNode tree = JSON.valueToTree(this);
        if (!tree.has(field)) {
            throw new IllegalArgumentException("no config field '" + field + "'");
        }
        tree.set(field, JSON.valueToTree(value));
        return fromJson(tree);
    }

    /** This config stopping after {@code n} X steps (0: only by {@link #withMinutes}). */
    public LoopConfig withSteps(long n) {
        return with("steps", n);
    }

    /** This config stopping after {@code m} minutes (0: only by {@link #withSteps}). */
    public LoopConfig withMinutes(double m) {
        return with("minutes", m);
    }

    /** This config with every random choice drawn from {@code seed}. */
    public LoopConfig withSeed(long seed) {
        return with("seed", seed);
    }

    /** This config training X on {@code contexts} contexts per step, all their questions (train's --batch). */
    public LoopConfig withBatch(int contexts) {
        return with("trainContexts", contexts);
    }

    /** This config with learning rate {@code lr} for X and H′. */
    public LoopConfig withLr(float lr) {
        return with("lr", lr);
    }

    /** This config with amplification depth {@code d} (1: H′'s subquestions go to X). */
    public LoopConfig withDepth(int d) {
        return with("depth", d);
    }

    /** This config on {@code n} CPU threads. */
    public LoopConfig withThreads(int n) {
        return with("threads", n);
    }

    /** This config evaluating at the final size every {@code steps} X steps, on {@code contexts} contexts. */
    public LoopConfig withEvaluation(int steps, int contexts) {
        return with("evalEvery", steps).with("evalContexts", contexts);
    }

    /** This config committing a checkpoint every {@code steps} X steps. */
    public LoopConfig withCheckpointEvery(int steps) {
        return with("checkpointEvery", steps);
    }

    /** This config with a curriculum that starts at size {@code n} (at most {@link #size}). */
    public LoopConfig withStartSize(int n) {
        return with("startSize", n);
    }

    /** This config with model preset {@code name}: {@code small} or {@code paper} (the 2018 code's X). */
    public LoopConfig withPreset(String name) {
        return with("preset", name);
    }

    /** This config with pre-LayerNorm X and H′ without BatchNorm ({@code true}), or the reference's post-LN. */
    public LoopConfig withPreLayerNorm(boolean pre) {
        return with("preLayerNorm", pre);
    }

    /** This config with dropout probability {@code p} in X and H′ while they train. */
    public LoopConfig withDropout(float p) {
        return with("dropout", p);
    }

    /** This config generating targets for {@code contexts} contexts per generation batch. */
    public LoopConfig withGenerationBatch(int contexts) {
        return with("generationContexts", contexts);
    }

    /** This config with an X replay buffer of {@code capacity} contexts that trains once it holds {@code minimum}. */
    public LoopConfig withReplayBuffer(int capacity, int minimum) {
        return with("bufferContexts", capacity).with("minBufferContexts", minimum);
    }

    /** This config with the EMA teacher's horizon {@code h} X steps. */
    public LoopConfig withEmaHorizon(int h) {
        return with("emaHorizon", h);
    }

    /**
     * This config whose curriculum grows the size once the teacher agrees with its targets on {@code agreement} of
     * the questions, after at least {@code minBatches} generation batches at a size.
     */
    public LoopConfig withPromotion(double agreement, int minBatches) {
        return with("promoteAt", agreement).with("promoteMinBatches", minBatches);
    }

    /** This config climbing the levels H can see one at a time ({@code true}), or drawing all levels from the start. */
    public LoopConfig withLevelCurriculum(boolean levels) {
        return with("levelCurriculum", levels);
    }

    /** This config writing a {@code metrics.jsonl} record every {@code steps} X steps. */
    public LoopConfig withLogEvery(int steps) {
        return with("logEvery", steps);
    }

    /** This config keeping the newest {@code n} checkpoints. */
    public LoopConfig withKeepCheckpoints(int n) {
        return with("keepCheckpoints", n);
    }

    /** This config generating on {@code n} worker threads beside training (0: synchronous and deterministic). */
    public LoopConfig withGenerationWorkers(int n) {
        return with("generationWorkers", n);
    }

    /** This config whose teacher samples its answers in generation ({@code true}), or answers greedily. */
    public LoopConfig withSampledTeacher(boolean sampled) {
        return with("sampledTeacher", sampled);
    }

    /** This config with an H′ of {@code n} layers. */
    public LoopConfig withAskerLayers(int n) {
        return with("askerLayers", n);
    }

    /** This config granting H′ one call to H per X step while its fresh-transcript loss is at least {@code band} */
    public LoopConfig withAskerLossBand(double band) {
        return with("askerLossBand", band);
    }

    /** This config with a share {@code p} of random subanswers in H's transcripts for H′. */
    public LoopConfig withAskerCallNoise(double p) {
        return with("askerCallNoise", p);
    }

    /** This config injecting errors into a share of the subanswers and of the overseer's final answers. */
    public LoopConfig withInjectedErrors(double subanswers, double overseerAnswers) {
        return with("subanswerErrorRate", subanswers).with("overseerErrorRate", overseerAnswers);
    }

    /**
     * The config saved in a run's state (strict: unknown or missing fields are errors naming them, except fields added
     * since runs were first saved, which take the value that gives the old behaviour: {@code generationWorkers} 0,
     * {@code sampledTeacher} true, {@code dropout} 0.1, {@code askerLayers} 4, {@code levelCurriculum} and
     * {@code excludeModalAnswer} false, {@code abstainBelow} 0, {@code sampledAsker} true, {@code askerStepRate} and
     * {@code askerCallNoise} 0, {@code askerLossBand} 0.1).
     */
    public static LoopConfig fromJson(JsonNode tree) {
        try {
            if (tree instanceof ObjectNode o) {
                ObjectNode filled = o.deepCopy();
                ADDED_SINCE_FIRST_SAVE.forEach((field, old) -> {
                    if (!filled.has(field)) {
                        filled.set(field, JSON.valueToTree(old));
                    }
                });
                tree = filled;
            }
            return JSON.treeToValue(tree, LoopConfig.class);
        } catch (JacksonException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("bad run config: " + e.getOriginalMessage());
        }
    }

    public Task task() {
        return Tasks.byName(taskName);
    }
}
