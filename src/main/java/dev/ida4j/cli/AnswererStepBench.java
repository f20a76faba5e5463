package dev.ida4j.cli;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Profiler;
import dev.ida4j.model.answerer.Answerer;
import dev.ida4j.model.answerer.AnswererConfig;
import dev.ida4j.optim.AdamW;
import dev.ida4j.random.Rng;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code ida4j bench step --preset answerer-small} (or {@code answerer-paper}): training steps of model X (the small
 * preset, or the reference's size: C 512, 8 heads, 6 + 3 layers; dropout on) at a reference-like batch: 50 contexts
 * × 16 facts × 16 questions of permutation powering's sizes (V 11, W 4, Lq 8, La 2), random tokens, Adam as the
 * reference (β2 0.98, clip 1). Reports questions/s and tokens/s, where a step's tokens are all it reads: facts b·f·W
 * plus questions and answers b·q·(Lq + La).
 */
final class AnswererStepBench {
    static final int CONTEXTS = 50;
    static final int FACTS = 16;
    static final int QUESTIONS = 16;

    private final String preset;
    private final String device;
    private final String precision;
    private final int threads;
    private final int steps;
    private final int warmup;
    private final double warmupSeconds;
    private final boolean json;
    private final boolean profile;

    AnswererStepBench(String preset, String device, String precision, int threads, int steps, int warmup,
                      double warmupSeconds, boolean json, boolean profile) {
        this.preset = preset;
        this.device = device;
        this.precision = precision;
        this.threads = threads;
        this.steps = steps;
        this.warmup = warmup;
        this.warmupSeconds = warmupSeconds;
        this.json = json;
        this.profile = profile;
    }

    void run() {
        AnswererConfig cfg = preset.equals("answerer-paper") ? AnswererConfig.paper(11, 4, 8, 2)
                : AnswererConfig.small(11, 4, 8, 2);
        Backend backend = BenchCommand.backend(device, threads, precision);
        Profiler profiler = profile ? new Profiler(backend) : null;
        try (Backend be = profile ? profiler.backend() : backend;
             Answerer model = new Answerer(be, cfg, CONTEXTS, FACTS, QUESTIONS);
             AdamW opt = new AdamW(be, model.params(), new AdamW.Settings(1e-5f, 0.9f, 0.98f, 1e-8f, 0f, 1f))) {
            model.initialize(1);
            Rng r = new Rng(7);
            int[] facts = random(r, CONTEXTS * FACTS * cfg.factLength(), cfg.vocab());
            int[] questions = random(r, CONTEXTS * QUESTIONS * cfg.questionLength(), cfg.vocab());
            int[] answers = random(r, CONTEXTS * QUESTIONS * cfg.answerLength(), cfg.vocab());
            float[] mask = new float[CONTEXTS * QUESTIONS];
            Arrays.fill(mask, 1f);
            model.setBatch(CONTEXTS, FACTS, QUESTIONS, facts, questions, answers, mask);
            float loss = 0;
            long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) {
                loss = model.trainStep(opt);
            }
            if (profile) {
                profiler.reset();
            }
            double[] ms = new double[steps];
            try (ProgressLine progress = ProgressLine.start("bench step", steps, "steps")) {
                progress.update(0, 0, "steps");
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    loss = model.trainStep(opt);
                    be.synchronize();
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                    progress.update(i + 1, i + 1, "steps");
                }
            }
            double med = BenchCommand.median(ms);
            int nq = CONTEXTS * QUESTIONS;
            long tokens = (long) CONTEXTS * FACTS * cfg.factLength()
                    + (long) nq * (cfg.questionLength() + cfg.answerLength());
            double questionsPerS = nq / (med / 1e3);
            double tokensPerS = tokens / (med / 1e3);
            if (json) {
                System.out.println(new JsonLine().put("bench", "step").put("preset", preset)
                        .put("device", device).put("precision", BenchCommand.precisionLabel(device, precision))
                        .put("threads", threads).put("contexts", CONTEXTS).put("facts", FACTS)
                        .put("questions", QUESTIONS).put("steps", steps).put("ms_per_step", med)
                        .put("ms_min", Arrays.stream(ms).min().orElseThrow())
                        .put("questions_per_s", questionsPerS).put("tokens_per_s", tokensPerS).put("loss", loss));
            } else {
                System.out.printf(Locale.ROOT,
                        "step %s on %s, %d threads: %.1f ms/step, %.0f questions/s, %.0f tokens/s"
                                + " (loss %.4f)%n", preset, device, threads, med, questionsPerS, tokensPerS, loss);
            }
            if (profile) {
                System.err.print("time per op over " + steps + " steps:\n" + profiler.report());
            }
        }
    }

    private static int[] random(Rng r, int n, int vocab) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(vocab);
        }
        return out;
    }
}
