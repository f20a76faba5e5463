package dev.ida4j.model.gpt;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.Backend;
import dev.ida4j.model.Model;
import dev.ida4j.optim.AdamW;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A pre-LayerNorm GPT decoder (GPT-2 shape, tied embeddings, GELU-tanh MLP) with hand-written backprop over a
 * {@link Backend}. All memory is allocated here, once, for one batch shape (B, T): parameters, gradients,
 * forward activations and a one-layer gradient scratch, each a single block. {@link #forward}, {@link #zeroGrad}
 * and {@link #backward} allocate nothing.
 *
 * <pre>
 *   x0 = wte[tokens] + wpe[t]                                         (B, T, C)
 *   per layer: x = x + attn.proj(attention(qkv(ln1(x))))             (B, T, C)
 *              x = x + mlp.proj(gelu(mlp.fc(ln2(x))))                 (B, T, C)
 *   logits = lnf(x)·wteᵀ + mask                                       (B, T, Vp)
 *   loss = mean cross-entropy(logits, targets)
 * </pre>
 *
 * <p>Vp is {@link GptConfig#paddedVocab()}: wte has Vp rows, and the mask puts -1e30 on the logits of the padding
 * columns [V, Vp) (0 on the others), so their probabilities and gradients are exactly 0 and the padding rows of wte
 * never matter. With V already a multiple of 128 there is no padding and no mask.
 */
public final class Gpt implements Model {
    /** The logit of a padding column: exp(-1e30 - max) is 0 in fp32, and 0 times it is still finite. */
    private static final float MASKED_LOGIT = -1e30f;

    private final Backend backend;
    private final GptConfig cfg;
    private final int b;
    private final int t;
    private final TensorArena arena;
    private final Arena hostArena = Arena.ofShared();
    private final TensorSet params;
    private final TensorSet grads;
    private final TensorSet acts;
    private final TensorSet dacts;
    private final Tensor tokens;
    private final Tensor targets;
    /** (Vp): 0 on the vocabulary, MASKED_LOGIT on its padding; null when there is none. */
    private final Tensor vocabMask;
    private final MemorySegment hostLosses;
    private final Layer[] layers;
    private final Tensor dq;
    private final Tensor dk;
    private final Tensor dv;

    /** Views of one block's parameters, gradients and activations. */
    private record Layer(Tensor ln1w, Tensor ln1b, Tensor wq, Tensor wk, Tensor wv, Tensor bq, Tensor bk, Tensor bv,
                         Tensor projw, Tensor projb, Tensor ln2w, Tensor ln2b, Tensor fcw, Tensor fcb,
                         Tensor mlpw, Tensor mlpb, // parameters
                         Tensor dln1w, Tensor dln1b, Tensor dwq, Tensor dwk, Tensor dwv, Tensor dbq, Tensor dbk,
                         Tensor dbv, Tensor dprojw, Tensor dprojb, Tensor dln2w, Tensor dln2b, Tensor dfcw,
                         Tensor dfcb, Tensor dmlpw, Tensor dmlpb, // gradients
                         Tensor inp, Tensor ln1, Tensor ln1Mean, Tensor ln1Rstd, Tensor q, Tensor k, Tensor v,
                         Tensor att, Tensor atty, Tensor res2, Tensor ln2, Tensor ln2Mean, Tensor ln2Rstd,
                         Tensor fc, Tensor gelu, Tensor res3) { // activations
    }

    /** A model for batches of {@code batch} sequences of {@code seqLen} tokens (seqLen ≤ maxT). */
    public Gpt(Backend backend, GptConfig cfg, int batch, int seqLen) {
        if (batch < 1 || seqLen < 1 || seqLen > cfg.maxT()) {
            throw new IllegalArgumentException("batch " + batch + " and sequence length " + seqLen
                    + " must be positive, the length at most maxT " + cfg.maxT());
        }
        this.backend = backend;
        this.cfg = cfg;
        this.b = batch;
        this.t = seqLen;
        this.arena = backend.arena("gpt");
        TensorLayout layout = cfg.parameterLayout();
        this.params = arena.allocate("params", layout);
        this.grads = arena.allocate("grads", layout);
        this.acts = arena.allocate("acts", activationLayout());
        this.dacts = arena.allocate("dacts", gradientLayout());
        this.tokens = arena.allocate("tokens", DType.I32, b, t);
        this.targets = arena.allocate("targets", DType.I32, b, t);
        this.vocabMask = cfg.paddedVocab() > cfg.vocab() ? vocabMask(backend, arena, cfg) : null;
        this.hostLosses = hostArena.allocate((long) b * t * Float.BYTES, 64);
        Tensor dqkv = dacts.get("dqkv");
        long btc = (long) b * t * cfg.channels();
        this.dq = dqkv.view("dq", 0, b, t, cfg.channels());
        this.dk = dqkv.view("dk", btc, b, t, cfg.channels());
        this.dv = dqkv.view("dv", 2 * btc, b, t, cfg.channels());
        this.layers = new Layer[cfg.layers()];
        for (int l = 0; l < cfg.layers(); l++) {
            layers[l] = layer(l);
        }
        // d(mean loss)/d(loss of each position) is constant: set once for this batch shape
        backend.fill(dacts.get("dlosses"), 1.0f / (b * t));
    }

    private static Tensor vocabMask(Backend backend, TensorArena arena, GptConfig cfg) {
        int v = cfg.vocab();
        int vp = cfg.paddedVocab();
        Tensor mask = arena.allocate("vocab.mask", DType.F32, vp);
        backend.fill(mask, 0f);
        backend.fill(mask.view("vocab.mask.padding", v, vp - v), MASKED_LOGIT);
        return mask;
    }

    private TensorLayout activationLayout() {
        int c = cfg.channels();
        TensorLayout.Builder a = TensorLayout.builder().add("encoded", b, t, c);
        for (int l = 0; l < cfg.layers(); l++) {
            String h = "h." + l + ".";
            a.add(h + "ln1", b, t, c).add(h + "ln1.mean", b, t).add(h + "ln1.rstd", b, t)
                    .add(h + "q", b, t, c).add(h + "k", b, t, c).add(h + "v", b, t, c)
                    .add(h + "att", b, cfg.heads(), t, t).add(h + "atty", b, t, c).add(h + "res2", b, t, c)
                    .add(h + "ln2", b, t, c).add(h + "ln2.mean", b, t).add(h + "ln2.rstd", b, t)
                    .add(h + "fc", b, t, 4 * c).add(h + "gelu", b, t, 4 * c).add(h + "res3", b, t, c);
        }
        return a.add("proj", b, t, c)
                .add("lnf", b, t, c).add("lnf.mean", b, t).add("lnf.rstd", b, t)
                .add("logits", b, t, cfg.paddedVocab()).add("probs", b, t, cfg.paddedVocab()).add("losses", b, t)
                .build();
    }

    /** Gradients of activations: the residual stream and one layer's worth of scratch, reused by every layer. */
    private TensorLayout gradientLayout() {
        int c = cfg.channels();
        return TensorLayout.builder()
                .add("dres", b, t, c).add("dln", b, t, c).add("datty", b, t, c)
                .add("dqkv", 3, b, t, c) // dq, dk, dv back to back: zeroed with one fill
                .add("dgelu", b, t, 4 * c).add("dfc", b, t, 4 * c)
                .add("dlogits", b, t, cfg.paddedVocab()).add("dlosses", b, t)
                .build();
    }

    private Layer layer(int l) {
        int c = cfg.channels();
        long cc = (long) c * c;
        String h = "h." + l + ".";
        Tensor qkvw = params.get(h + "attn.qkv.weight");
        Tensor qkvb = params.get(h + "attn.qkv.bias");
        Tensor dqkvw = grads.get(h + "attn.qkv.weight");
        Tensor dqkvb = grads.get(h + "attn.qkv.bias");
        Tensor inp = l == 0 ? acts.get("encoded") : acts.get("h." + (l - 1) + ".res3");
        return new Layer(
                params.get(h + "ln1.weight"), params.get(h + "ln1.bias"),
                qkvw.view(h + "wq", 0, c, c), qkvw.view(h + "wk", cc, c, c), qkvw.view(h + "wv", 2 * cc, c, c),
                qkvb.view(h + "bq", 0, c), qkvb.view(h + "bk", c, c), qkvb.view(h + "bv", 2L * c, c),
                params.get(h + "attn.proj.weight"), params.get(h + "attn.proj.bias"),
                params.get(h + "ln2.weight"), params.get(h + "ln2.bias"),
                params.get(h + "mlp.fc.weight"), params.get(h + "mlp.fc.bias"),
                params.get(h + "mlp.proj.weight"), params.get(h + "mlp.proj.bias"),
                grads.get(h + "ln1.weight"), grads.get(h + "ln1.bias"),
                dqkvw.view(h + "dwq", 0, c, c), dqkvw.view(h + "dwk", cc, c, c), dqkvw.view(h + "dwv", 2 * cc, c, c),
                dqkvb.view(h + "dbq", 0, c), dqkvb.view(h + "dbk", c, c), dqkvb.view(h + "dbv", 2L * c, c),
                grads.get(h + "attn.proj.weight"), grads.get(h + "attn.proj.bias"),
                grads.get(h + "ln2.weight"), grads.get(h + "ln2.bias"),
                grads.get(h + "mlp.fc.weight"), grads.get(h + "mlp.fc.bias"),
                grads.get(h + "mlp.proj.weight"), grads.get(h + "mlp.proj.bias"),
                inp, acts.get(h + "ln1"), acts.get(h + "ln1.mean"), acts.get(h + "ln1.rstd"),
                acts.get(h + "q"), acts.get(h + "k"), acts.get(h + "v"), acts.get(h + "att"), acts.get(h + "atty"),
                acts.get(h + "res2"), acts.get(h + "ln2"), acts.get(h + "ln2.mean"), acts.get(h + "ln2.rstd"),
                acts.get(h + "fc"), acts.get(h + "gelu"), acts.get(h + "res3"));
    }

    /** GPT-2 initialisation: N(0, 0.02) weights, residual projections scaled by 1/sqrt(2L), zero biases, unit norms. */
    public void initialize(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        try (TensorArena host = TensorArena.host("init")) {
            TensorSet p = host.allocate("init", cfg.parameterLayout());
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                Tensor x = p.get(e.name());
                String n = e.name();
                if (n.endsWith("ln1.weight") || n.endsWith("ln2.weight") || n.equals("lnf.weight")) {
                    fillHost(x, 1f);
                } else if (n.endsWith(".bias")) {
                    fillHost(x, 0f);
                } else {
                    boolean residual = n.endsWith("attn.proj.weight") || n.endsWith("mlp.proj.weight");
                    double std = residual ? 0.02 / Math.sqrt(2.0 * cfg.layers()) : 0.02;
                    // wte's padding rows stay 0 and draw nothing: the same weights as the unpadded model
                    long drawn = n.equals("wte") ? (long) cfg.vocab() * cfg.channels() : x.numel();
                    for (long i = 0; i < x.numel(); i++) {
                        x.set(i, i < drawn ? (float) (std * gaussian(r)) : 0f);
                    }
                }
            }
            backend.copyIn(params.all(), p.all().segment());
        }
    }

    private static void fillHost(Tensor x, float value) {
        for (long i = 0; i < x.numel(); i++) {
            x.set(i, value);
        }
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller on (0, 1] so the log is finite
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /**
     * Copies a batch of token ids and next-token targets, each (B, T) row-major, from host memory.
     *
     * @throws IllegalArgumentException naming the first id outside [0, V) (the backend's own checks see Vp)
     */
    public void setBatch(MemorySegment tokenIds, MemorySegment targetIds) {
        checkIds("token", tokenIds);
        checkIds("target", targetIds);
        backend.copyIn(tokens, tokenIds);
        backend.copyIn(targets, targetIds);
    }

    private void checkIds(String what, MemorySegment ids) {
        for (int i = 0; i < b * t; i++) {
            int id = ids.getAtIndex(ValueLayout.JAVA_INT, i);
            if (id < 0 || id >= cfg.vocab()) {
                throw new IllegalArgumentException(what + " id " + id + " at position " + i
                        + " is outside the vocabulary [0, " + cfg.vocab() + ")");
            }
        }
    }

    /** Runs the model on the current batch; returns the mean cross-entropy loss. */
    public float forward() {
        int c = cfg.channels();
        int n = b * t;
        backend.embeddingForward(acts.get("encoded"), tokens, params.get("wte"), params.get("wpe"), b, t, c);
        for (int l = 0; l < layers.length; l++) {
            forwardLayer(l);
        }
        Tensor last = layers[layers.length - 1].res3;
        Tensor lnf = acts.get("lnf");
        backend.layerNormForward(lnf, acts.get("lnf.mean"), acts.get("lnf.rstd"), last,
                params.get("lnf.weight"), params.get("lnf.bias"), n, c);
        int vp = cfg.paddedVocab();
        backend.linearForward(acts.get("logits"), lnf, params.get("wte"), vocabMask, n, c, vp);
        backend.crossEntropyForward(acts.get("losses"), acts.get("probs"), acts.get("logits"), targets, null, n, vp);
        backend.copyOut(hostLosses, acts.get("losses"));
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += hostLosses.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        }
        return (float) (sum / n);
    }

    /** Forward of block {@code l} alone: reads its input (the previous block's output), writes its output. */
    public void forwardLayer(int l) {
        Layer y = layers[l];
        int c = cfg.channels();
        int nh = cfg.heads();
        int n = b * t;
        Tensor proj = acts.get("proj");
        backend.layerNormForward(y.ln1, y.ln1Mean, y.ln1Rstd, y.inp, y.ln1w, y.ln1b, n, c);
        backend.linearForward(y.q, y.ln1, y.wq, y.bq, n, c, c);
        backend.linearForward(y.k, y.ln1, y.wk, y.bk, n, c, c);
        backend.linearForward(y.v, y.ln1, y.wv, y.bv, n, c, c);
        backend.attentionForward(y.atty, y.att, y.q, y.k, y.v, null, b, t, t, nh, c / nh, true);
        backend.linearForward(proj, y.atty, y.projw, y.projb, n, c, c);
        backend.residualForward(y.res2, y.inp, proj, (long) n * c);
        backend.layerNormForward(y.ln2, y.ln2Mean, y.ln2Rstd, y.res2, y.ln2w, y.ln2b, n, c);
        backend.linearForward(y.fc, y.ln2, y.fcw, y.fcb, n, c, 4 * c);
        backend.activationForward(y.gelu, y.fc, Activation.GELU, (long) n * 4 * c);
        backend.linearForward(proj, y.gelu, y.mlpw, y.mlpb, n, 4 * c, c);
        backend.residualForward(y.res3, y.res2, proj, (long) n * c);
    }

    /** One training step on the current batch: forward, zero gradients, backward, update. Returns the loss. */
    public float trainStep(AdamW optimizer) {
        float loss = forward();
        zeroGrad();
        backward();
        optimizer.step(params, grads);
        return loss;
    }

    /** Sets every parameter gradient to zero (one fill of one block). */
    public void zeroGrad() {
        backend.fill(grads.all(), 0f);
    }

    /** Accumulates the gradients of the mean loss of the last {@link #forward} into {@link #grads()}. */
    public void backward() {
        int c = cfg.channels();
        int n = b * t;
        Tensor dres = dacts.get("dres");
        Tensor dln = dacts.get("dln");
        Tensor dlogits = dacts.get("dlogits");
        backend.fill(dlogits, 0f);
        int vp = cfg.paddedVocab();
        backend.crossEntropyBackward(dlogits, dacts.get("dlosses"), acts.get("probs"), targets, null, n, vp);
        inputGradient(dln, dlogits, params.get("wte"), n, c, vp);
        backend.linearBackward(null, grads.get("wte"), null, dlogits, acts.get("lnf"), params.get("wte"), n, c, vp);
        backend.fill(dres, 0f);
        backend.layerNormBackward(dres, grads.get("lnf.weight"), grads.get("lnf.bias"), dln,
                layers[layers.length - 1].res3, params.get("lnf.weight"), acts.get("lnf.mean"), acts.get("lnf.rstd"),
                n, c);
        // dres now holds dL/dx of the residual stream; each branch adds its contribution to it on the way down
        for (int l = layers.length - 1; l >= 0; l--) {
            backwardLayer(l);
        }
        backend.embeddingBackward(grads.get("wte"), grads.get("wpe"), dres, tokens, b, t, c);
    }

    /**
     * Backward of block {@code l} alone, after its forward: turns the residual-stream gradient of its output into
     * that of its input (in place) and accumulates its parameter gradients.
     */
    public void backwardLayer(int l) {
        Layer y = layers[l];
        int c = cfg.channels();
        int nh = cfg.heads();
        int n = b * t;
        Tensor dres = dacts.get("dres");
        Tensor dln = dacts.get("dln");
        Tensor datty = dacts.get("datty");
        Tensor dqkv = dacts.get("dqkv");
        Tensor dgelu = dacts.get("dgelu");
        Tensor dfc = dacts.get("dfc");
        inputGradient(dgelu, dres, y.mlpw, n, 4 * c, c);
        backend.linearBackward(null, y.dmlpw, y.dmlpb, dres, y.gelu, y.mlpw, n, 4 * c, c);
        backend.fill(dfc, 0f);
        backend.activationBackward(dfc, dgelu, y.fc, Activation.GELU, (long) n * 4 * c);
        inputGradient(dln, dfc, y.fcw, n, c, 4 * c);
        backend.linearBackward(null, y.dfcw, y.dfcb, dfc, y.ln2, y.fcw, n, c, 4 * c);
        backend.layerNormBackward(dres, y.dln2w, y.dln2b, dln, y.res2, y.ln2w, y.ln2Mean, y.ln2Rstd, n, c);
        inputGradient(datty, dres, y.projw, n, c, c);
        backend.linearBackward(null, y.dprojw, y.dprojb, dres, y.atty, y.projw, n, c, c);
        backend.fill(dqkv, 0f);
        backend.attentionBackward(dq, dk, dv, datty, y.q, y.k, y.v, y.att, b, t, t, nh, c / nh);
        inputGradient(dln, dq, y.wq, n, c, c);
        backend.linearBackward(null, y.dwq, y.dbq, dq, y.ln1, y.wq, n, c, c);
        backend.linearBackward(dln, y.dwk, y.dbk, dk, y.ln1, y.wk, n, c, c);
        backend.linearBackward(dln, y.dwv, y.dbv, dv, y.ln1, y.wv, n, c, c);
        backend.layerNormBackward(dres, y.dln1w, y.dln1b, dln, y.inp, y.ln1w, y.ln1Mean, y.ln1Rstd, n, c);
    }

    /**
     * dinp(N,C) = dout(N,OC)·weight(OC,C), overwriting: the first gradient a scratch buffer receives in a step, so it
     * needs no zeroing fill first and the product reads nothing of the old contents.
     */
    private void inputGradient(Tensor dinp, Tensor dout, Tensor weight, int n, int c, int oc) {
        backend.matmul(dinp, dout, weight, n, c, oc, false, false, false);
    }

    public GptConfig config() {
        return cfg;
    }

    public int batch() {
        return b;
    }

    public int seqLen() {
        return t;
    }

    @Override
    public TensorSet params() {
        return params;
    }

    @Override
    public TensorSet grads() {
        return grads;
    }

    /** The parameters: GPT keeps no running statistics. */
    @Override
    public List<TensorSet> state() {
        return List.of(params);
    }

    /** Logits of the last forward, (B, T, Vp): the padding columns hold about -1e30. */
    public Tensor logits() {
        return acts.get("logits");
    }

    public Tensor tokens() {
        return tokens;
    }

    public Tensor targets() {
        return targets;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public void close() {
        arena.close();
        hostArena.close();
    }
}
