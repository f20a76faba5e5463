package dev.ida4j.bench;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.model.answerer.Answerer;
import dev.ida4j.model.answerer.AnswererConfig;
import dev.ida4j.optim.AdamW;
import dev.ida4j.random.Rng;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Model X (small preset: C 128, 4 heads, 2 + 2 layers, E 32, dropout 0.1, post-LN + BatchNorm) at a reference-like
 * batch: 50 contexts × 16 facts × 16 questions of permutation powering's sizes (V 11, W 4, Lq 8, La 2): a whole
 * training step (forward, backward, Adam), and greedy answering of all 800 questions with and without encoding the
 * facts first (amplification asks many rounds about the same contexts and reuses the encoding). Score: ms per call;
 * questions/s = 800 / that.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class AnswererBench {
    static final AnswererConfig CFG = AnswererConfig.small(11, 4, 8, 2);
    static final int B = 50;
    static final int F = 16;
    static final int Q = 16;

    @Param({"1", "2"})
    public int threads;

    private Backend backend;
    private Answerer model;
    private AdamW opt;
    private int[] facts;
    private int[] questions;
    private int[] answers;

    @Setup(Level.Trial)
    public void setUp() {
        backend = Backends.cpu(threads);
        model = new Answerer(backend, CFG, B, F, Q);
        model.initialize(1);
        opt = new AdamW(backend, model.params(), new AdamW.Settings(1e-5f, 0.9f, 0.98f, 1e-8f, 0f, 1f));
        Rng r = new Rng(7);
        facts = random(r, B * F * CFG.factLength());
        questions = random(r, B * Q * CFG.questionLength());
        answers = random(r, B * Q * CFG.answerLength());
        float[] mask = new float[B * Q];
        Arrays.fill(mask, 1f);
        model.setBatch(B, F, Q, facts, questions, answers, mask);
    }

    private static int[] random(Rng r, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(CFG.vocab());
        }
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        opt.close();
        model.close();
        backend.close();
    }

    /** A whole training step on the fixed batch. */
    @Benchmark
    public float step() {
        return model.trainStep(opt);
    }

    /** Encodes the facts, then answers the 800 questions greedily: one amplification round on fresh contexts. */
    @Benchmark
    public int[] encodeAndAnswer(Inference x) {
        x.model.encode(B, F, x.facts);
        x.model.answer(Q, x.questions, null, x.out, null);
        return x.out;
    }

    /** Answers the 800 questions against an encoding made once in set-up: a later round on the same contexts. */
    @Benchmark
    public int[] answerReusingEncoding(Inference x) {
        x.model.answer(Q, x.questions, null, x.out, null);
        return x.out;
    }

    /** A model in evaluation mode with the facts encoded once. */
    @State(Scope.Benchmark)
    public static class Inference {
        @Param({"1", "2"})
        public int threads;

        Backend backend;
        Answerer model;
        int[] facts;
        int[] questions;
        int[] out;

        @Setup(Level.Trial)
        public void setUp() {
            backend = Backends.cpu(threads);
            model = new Answerer(backend, CFG, B, F, Q);
            model.initialize(1);
            model.setTraining(false);
            Rng r = new Rng(7);
            facts = random(r, B * F * CFG.factLength());
            questions = random(r, B * Q * CFG.questionLength());
            out = new int[B * Q * CFG.answerLength()];
            model.encode(B, F, facts);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            model.close();
            backend.close();
        }
    }
}
