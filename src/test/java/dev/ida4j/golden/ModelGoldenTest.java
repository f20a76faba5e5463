package dev.ida4j.golden;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.CheckedBackend;
import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.backend.ref.ReferenceBackend;
import dev.ida4j.model.answerer.Answerer;
import dev.ida4j.model.answerer.AnswererConfig;
import dev.ida4j.model.asker.Asker;
import dev.ida4j.model.asker.AskerConfig;
import dev.ida4j.model.gpt.Gpt;
import dev.ida4j.model.gpt.GptConfig;
import dev.ida4j.optim.AdamW;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden outputs of the three models under fixed seeds, pinned bit for bit before the models are rebuilt from one
 * layer library (issue 25): for X (post-LN + BatchNorm and pre-LN, with dropout), H′ (both cell forms, with dropout)
 * and GPT, the loss, the outputs, every gradient and buffer, then the losses, weights and optimizer moments over
 * three AdamW steps, and X's and H′'s decoding (greedy and sampled; H′'s continued from its cache). The reference
 * backend's numbers do not depend on the machine; the CPU backend's depend on its vector width, so its file names it.
 */
class ModelGoldenTest {

    static Stream<Named<Supplier<Backend>>> backends() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        return Stream.of(
                Named.of("models-reference", () -> new CheckedBackend(new ReferenceBackend())),
                Named.of("models-cpu-" + lanes + "-lanes", () -> new CheckedBackend(new CpuBackend(2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldComputeTodaysNumbersBitForBit(Supplier<Backend> make, TestInfo info) {
        Golden golden = new Golden(info.getDisplayName());
        try (Backend backend = make.get()) {
            for (boolean preLn : new boolean[] {false, true}) {
                answerer(backend, preLn, golden);
                asker(backend, !preLn, golden);
            }
            gpt(backend, golden);
        }
        golden.check();
    }

    private static void answerer(Backend backend, boolean preLn, Golden golden) {
        String at = "x." + (preLn ? "pre-ln" : "post-ln") + ".";
        AnswererConfig cfg = new AnswererConfig(7, 3, 2, 3, 8, 2, 2, 2, 3, 2, 0.1f, preLn);
        int b = 2;
        int f = 4;
        int q = 3;
        Rng r = new Rng(9);
        int[] facts = tokens(r, b * f * cfg.factLength(), cfg.vocab());
        Arrays.fill(facts, (b * f - 1) * cfg.factLength(), b * f * cfg.factLength(), 0); // a blank fact
        int[] questions = tokens(r, b * q * cfg.questionLength(), cfg.vocab());
        int[] answers = tokens(r, b * q * cfg.answerLength(), cfg.vocab());
        float[] mask = {1, 1, 0, 1, 0, 1};
        try (Answerer x = new Answerer(backend, cfg, b, f, q);
             AdamW adam = new AdamW(backend, x.params(), AdamW.Settings.of(1e-2f, 0.01f).withClip(1f))) {
            x.initialize(3);
            x.setBatch(b, f, q, facts, questions, answers, mask);
            golden.put(at + "loss", x.forwardBackward());
            for (int i = 0; i < cfg.answerLength(); i++) {
                golden.put(at + "logp." + i, x.logp(i));
            }
            grads(at, cfg.parameterLayout(), x.grads(), golden);
            golden.put(at + "buffers", x.buffers().all());
            for (int step = 0; step < 3; step++) {
                golden.put(at + "step-" + step + ".loss", x.trainStep(adam));
            }
            optimized(at, x.params(), adam, golden);
            golden.put(at + "buffers-after-steps", x.buffers().all());
            x.setTraining(false);
            x.encode(b, f, facts);
            int[] out = new int[b * q * cfg.answerLength()];
            float[] logProb = new float[b * q];
            x.answer(q, questions, null, out, logProb);
            golden.put(at + "greedy.answers", out).put(at + "greedy.logprob", logProb);
            x.answer(q, questions, new Rng(4), out, logProb);
            golden.put(at + "sampled.answers", out).put(at + "sampled.logprob", logProb);
        }
    }

    private static void asker(Backend backend, boolean postLn, Golden golden) {
        String at = "asker." + (postLn ? "post-ln" : "pre-ln") + ".";
        AskerConfig cfg = new AskerConfig(7, 2, 2, 2, 8, 2, 2, 0.1f, postLn);
        int n = 3;
        int t = cfg.transcriptLength();
        Rng r = new Rng(11);
        int[] transcripts = tokens(r, n * t, cfg.vocab());
        try (Asker h = new Asker(backend, cfg, 4);
             AdamW adam = new AdamW(backend, h.params(), AdamW.Settings.of(1e-2f, 0.01f).withClip(1f))) {
            h.initialize(5);
            h.setBatch(n, transcripts);
            golden.put(at + "loss", h.forwardBackward());
            grads(at, cfg.parameterLayout(), h.grads(), golden);
            golden.put(at + "buffers", h.buffers().all());
            for (int step = 0; step < 3; step++) {
                golden.put(at + "step-" + step + ".loss", h.trainStep(adam));
            }
            optimized(at, h.params(), adam, golden);
            golden.put(at + "buffers-after-steps", h.buffers().all());
            float[] logProbs = new float[n * t];
            h.tokenLogProbs(n, transcripts, logProbs);
            golden.put(at + "token-logprobs", logProbs);
            int from = cfg.qLen();
            int half = (t - from) / 2;
            int[] greedy = transcripts.clone();
            h.generate(n, greedy, from, half, null);
            h.generate(n, greedy, from + half, t - from - half, null, true);
            golden.put(at + "greedy.cached", greedy);
            int[] sampled = transcripts.clone();
            h.generate(n, sampled, from, t - from, new Rng(6));
            golden.put(at + "sampled", sampled);
        }
    }

    private static void gpt(Backend backend, Golden golden) {
        GptConfig cfg = new GptConfig(13, 6, 8, 2, 2);
        int b = 2;
        int t = 5;
        Rng r = new Rng(5);
        try (Gpt g = new Gpt(backend, cfg, b, t);
             AdamW adam = new AdamW(backend, g.params(), AdamW.Settings.of(1e-2f, 0.01f).withClip(1f));
             Arena host = Arena.ofConfined()) {
            g.initialize(3);
            MemorySegment ids = host.allocate((long) b * t * Integer.BYTES);
            MemorySegment next = host.allocate((long) b * t * Integer.BYTES);
            for (int i = 0; i < b * t; i++) {
                ids.setAtIndex(ValueLayout.JAVA_INT, i, r.nextInt(cfg.vocab()));
                next.setAtIndex(ValueLayout.JAVA_INT, i, r.nextInt(cfg.vocab()));
            }
            g.setBatch(ids, next);
            golden.put("gpt.loss", g.forward());
            golden.put("gpt.logits", g.logits());
            g.zeroGrad();
            g.backward();
            grads("gpt.", cfg.parameterLayout(), g.grads(), golden);
            for (int step = 0; step < 3; step++) {
                golden.put("gpt.step-" + step + ".loss", g.trainStep(adam));
            }
            optimized("gpt.", g.params(), adam, golden);
        }
    }

    private static void grads(String at, TensorLayout layout, TensorSet grads, Golden golden) {
        for (TensorLayout.Entry e : layout.entries()) {
            golden.put(at + "grad." + e.name(), grads.get(e.name()));
        }
    }

    private static void optimized(String at, TensorSet params, AdamW adam, Golden golden) {
        golden.put(at + "params-after-steps", params.all())
                .put(at + "adam-m", adam.m().all())
                .put(at + "adam-v", adam.v().all());
    }

    private static int[] tokens(Rng r, int n, int vocab) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = 1 + r.nextInt(vocab - 1);
        }
        return out;
    }
}
