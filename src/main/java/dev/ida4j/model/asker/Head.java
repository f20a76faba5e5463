package dev.ida4j.model.asker;

import static dev.ida4j.model.asker.Views.head;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;

/**
 * H′'s output: a sigmoid-gated mixture of a copy distribution and a generated one, per position, from the final
 * hidden states h (R, C), R = n·S:
 *
 * <pre>
 *   copy (R, V)  = attention(q = h·Wqᵀ, k = h·Wkᵀ, v = onehot(input tokens))   one head, HS = V, causal:
 *                  a distribution over the tokens at this and earlier positions (the pointer)
 *   gen  (R, V)  = softmax(Wo·relu(Wf·h))                                       the generator
 *   mix  (R, 2)  = softmax(Wg2·relu(Wg1·h)) = (σ(z), 1 - σ(z))                   the gate
 *   logp (R, V)  = log(mix₀·copy + mix₁·gen)                                    Backend#mixtureForward, K = 1
 * </pre>
 *
 * {@link #step} computes one position against cached copy keys and one-hot values.
 */
final class Head {
    private final Backend backend;
    private final int s;
    private final int c;
    private final int v;
    private final int g;
    private final Tensor eye; // (V, V) identity: one-hot rows by embedding lookup
    private final Tensor qw, qb, kw, kb, fw, fb, ow, ob, g1w, g1b, g2w, g2b;
    private final Tensor dqw, dqb, dkw, dkb, dfw, dfb, dow, dob, dg1w, dg1b, dg2w, dg2b;
    // activations, R rows at capacity
    private final Tensor cq, ck, onehot, att, copy;  // (R, V) ×3, (N, 1, S, S), (R, V) = dists (R, 1, V)
    private final Tensor f, fr, genLogits;           // (R, C), (R, C), (R, V)
    private final Tensor m, mr, mixLogits;           // (R, G), (R, G), (R, 2)
    private final Tensor logp, mix, gen;             // (R, V), (R, 2), (R, V)
    // gradients of activations
    private final Tensor dcq, dck, dcopy, df, dfr, dgenLogits, dm, dmr, dmixLogits;
    // incremental decoding: caches (row b·S + j: position j of transcript b) and one position's activations
    private final Tensor kCache, vCache;                           // (N·S, V)
    private final Tensor sq, sk, sOnehot, sAtt, sCopy, sf, sfr, sGen, sm, smr, sMix, sLogp, sMixP, sGenP;

    Head(Backend backend, AskerConfig cfg, TensorSet params, TensorSet grads, TensorArena arena, int capacity) {
        this.backend = backend;
        this.s = cfg.positions();
        this.c = cfg.channels();
        this.v = cfg.vocab();
        this.g = cfg.gateHidden();
        qw = params.get("copy.q.weight");
        qb = params.get("copy.q.bias");
        kw = params.get("copy.k.weight");
        kb = params.get("copy.k.bias");
        fw = params.get("gen.fc.weight");
        fb = params.get("gen.fc.bias");
        ow = params.get("gen.out.weight");
        ob = params.get("gen.out.bias");
        g1w = params.get("gate.fc.weight");
        g1b = params.get("gate.fc.bias");
        g2w = params.get("gate.out.weight");
        g2b = params.get("gate.out.bias");
        dqw = grads.get("copy.q.weight");
        dqb = grads.get("copy.q.bias");
        dkw = grads.get("copy.k.weight");
        dkb = grads.get("copy.k.bias");
        dfw = grads.get("gen.fc.weight");
        dfb = grads.get("gen.fc.bias");
        dow = grads.get("gen.out.weight");
        dob = grads.get("gen.out.bias");
        dg1w = grads.get("gate.fc.weight");
        dg1b = grads.get("gate.fc.bias");
        dg2w = grads.get("gate.out.weight");
        dg2b = grads.get("gate.out.bias");
        int r = capacity * s;
        int n = capacity;
        TensorSet a = arena.allocate("asker.head", TensorLayout.builder()
                .add("eye", v, v)
                .add("cq", r, v).add("ck", r, v).add("onehot", r, v).add("att", n, 1, s, s).add("copy", r, v)
                .add("f", r, c).add("fr", r, c).add("genLogits", r, v)
                .add("m", r, g).add("mr", r, g).add("mixLogits", r, 2)
                .add("logp", r, v).add("mix", r, 2).add("gen", r, v)
                .add("dcq", r, v).add("dck", r, v).add("dcopy", r, v).add("df", r, c).add("dfr", r, c)
                .add("dgenLogits", r, v).add("dm", r, g).add("dmr", r, g).add("dmixLogits", r, 2)
                .add("kCache", r, v).add("vCache", r, v)
                .add("sq", n, v).add("sk", n, v).add("sOnehot", n, v).add("sAtt", n, 1, 1, s).add("sCopy", n, v)
                .add("sf", n, c).add("sfr", n, c).add("sGen", n, v).add("sm", n, g).add("smr", n, g)
                .add("sMix", n, 2).add("sLogp", n, v).add("sMixP", n, 2).add("sGenP", n, v)
                .build());
        eye = a.get("eye");
        cq = a.get("cq");
        ck = a.get("ck");
        onehot = a.get("onehot");
        att = a.get("att");
        copy = a.get("copy");
        f = a.get("f");
        fr = a.get("fr");
        genLogits = a.get("genLogits");
        m = a.get("m");
        mr = a.get("mr");
        mixLogits = a.get("mixLogits");
        logp = a.get("logp");
        mix = a.get("mix");
        gen = a.get("gen");
        dcq = a.get("dcq");
        dck = a.get("dck");
        dcopy = a.get("dcopy");
        df = a.get("df");
        dfr = a.get("dfr");
        dgenLogits = a.get("dgenLogits");
        dm = a.get("dm");
        dmr = a.get("dmr");
        dmixLogits = a.get("dmixLogits");
        kCache = a.get("kCache");
        vCache = a.get("vCache");
        sq = a.get("sq");
        sk = a.get("sk");
        sOnehot = a.get("sOnehot");
        sAtt = a.get("sAtt");
        sCopy = a.get("sCopy");
        sf = a.get("sf");
        sfr = a.get("sfr");
        sGen = a.get("sGen");
        sm = a.get("sm");
        smr = a.get("smr");
        sMix = a.get("sMix");
        sLogp = a.get("sLogp");
        sMixP = a.get("sMixP");
        sGenP = a.get("sGenP");
        float[] identity = new float[v * v];
        for (int i = 0; i < v; i++) {
            identity[i * v + i] = 1f;
        }
        try (TensorArena host = TensorArena.host("asker.eye")) {
            backend.copyIn(eye, host.allocate("eye", DType.F32, v, v).copyFrom(identity).segment());
        }
    }

    /** Log-probabilities of the last {@link #forward}, (R, V) at capacity. */
    Tensor logp() {
        return logp;
    }

    /** Mixture weights (copy, generate) of the last {@link #forward}, (R, 2) at capacity. */
    Tensor mix() {
        return mix;
    }

    /** One position's log-probabilities from the last {@link #step}, (N, V) at capacity. */
    Tensor stepLogp() {
        return sLogp;
    }

    /**
     * logp (n·len, V) from the hidden states {@code h} (n·len, C) and the input tokens {@code tokens} (n, len), for
     * the first {@code len} positions (S for training, a prefix when decoding), packed.
     */
    void forward(int n, int len, Tensor h, Tensor tokens) {
        int r = n * len;
        long rv = (long) r * v;
        long rc = (long) r * c;
        long rg = (long) r * g;
        Tensor hr = head(h, rc);
        backend.linearForward(head(cq, rv), hr, qw, qb, r, c, v);
        backend.linearForward(head(ck, rv), hr, kw, kb, r, c, v);
        backend.embeddingForward(head(onehot, rv), head(tokens, r), eye, null, n, len, v);
        backend.attentionForward(head(copy, rv), head(att, (long) n * len * len), head(cq, rv), head(ck, rv),
                head(onehot, rv), null, n, len, len, 1, v, true);
        backend.linearForward(head(f, rc), hr, fw, fb, r, c, c);
        backend.activationForward(head(fr, rc), head(f, rc), Activation.RELU, rc);
        backend.linearForward(head(genLogits, rv), head(fr, rc), ow, ob, r, c, v);
        backend.linearForward(head(m, rg), hr, g1w, g1b, r, c, g);
        backend.activationForward(head(mr, rg), head(m, rg), Activation.RELU, rg);
        backend.linearForward(head(mixLogits, 2L * r), head(mr, rg), g2w, g2b, r, g, 2);
        backend.mixtureForward(head(logp, rv), head(mix, 2L * r), head(gen, rv), head(copy, rv),
                head(genLogits, rv), head(mixLogits, 2L * r), r, 1, v);
    }

    /** Accumulates parameter gradients and dL/dh into {@code dh} (R, C) from dL/dlogp {@code dlogp} (R, V). */
    void backward(int n, Tensor dh, Tensor h, Tensor dlogp) {
        int r = n * s;
        long rv = (long) r * v;
        long rc = (long) r * c;
        long rg = (long) r * g;
        Tensor hr = head(h, rc);
        Tensor dhr = head(dh, rc);
        backend.fill(dcopy, 0f);
        backend.fill(dgenLogits, 0f);
        backend.fill(dmixLogits, 0f);
        backend.mixtureBackward(head(dcopy, rv), head(dgenLogits, rv), head(dmixLogits, 2L * r), head(dlogp, rv),
                head(copy, rv), head(gen, rv), head(mix, 2L * r), r, 1, v);
        // gate
        backend.fill(dmr, 0f);
        backend.linearBackward(head(dmr, rg), dg2w, dg2b, head(dmixLogits, 2L * r), head(mr, rg), g2w, r, g, 2);
        backend.fill(dm, 0f);
        backend.activationBackward(head(dm, rg), head(dmr, rg), head(m, rg), Activation.RELU, rg);
        backend.linearBackward(dhr, dg1w, dg1b, head(dm, rg), hr, g1w, r, c, g);
        // generator
        backend.fill(dfr, 0f);
        backend.linearBackward(head(dfr, rc), dow, dob, head(dgenLogits, rv), head(fr, rc), ow, r, c, v);
        backend.fill(df, 0f);
        backend.activationBackward(head(df, rc), head(dfr, rc), head(f, rc), Activation.RELU, rc);
        backend.linearBackward(dhr, dfw, dfb, head(df, rc), hr, fw, r, c, c);
        // pointer (the one-hot values are constants: no gradient)
        backend.fill(dcq, 0f);
        backend.fill(dck, 0f);
        backend.attentionBackward(head(dcq, rv), head(dck, rv), null, head(dcopy, rv), head(cq, rv), head(ck, rv),
                head(onehot, rv), head(att, (long) n * s * s), n, s, s, 1, v);
        backend.linearBackward(dhr, dqw, dqb, head(dcq, rv), hr, qw, r, c, v);
        backend.linearBackward(dhr, dkw, dkb, head(dck, rv), hr, kw, r, c, v);
    }

    // ---- incremental decoding ----------------------------------------------------------------------------------

    /** Caches the copy keys and one-hot values of the last forward over len positions in the rows ids (n, len). */
    void prefill(int n, int len, Tensor ids) {
        long rv = (long) n * len * v;
        backend.fill(kCache, 0f);
        backend.fill(vCache, 0f);
        backend.embeddingBackward(kCache, null, head(ck, rv), ids, n, len, v);
        backend.embeddingBackward(vCache, null, head(onehot, rv), ids, n, len, v);
    }

    /**
     * One position: hidden states {@code hs} (n, C) and input tokens {@code tokens} (n, 1) → {@link #stepLogp()}
     * (n, V); {@code ids} (n, 1) are this position's cache rows, {@code keyMask} (n, S) the positions ≤ p.
     */
    void step(int n, Tensor hs, Tensor tokens, Tensor ids, Tensor keyMask) {
        long nv = (long) n * v;
        long nc = (long) n * c;
        long ng = (long) n * g;
        Tensor hr = head(hs, nc);
        backend.linearForward(head(sq, nv), hr, qw, qb, n, c, v);
        backend.linearForward(head(sk, nv), hr, kw, kb, n, c, v);
        backend.embeddingForward(head(sOnehot, nv), tokens, eye, null, n, 1, v);
        backend.embeddingBackward(kCache, null, head(sk, nv), ids, n, 1, v);
        backend.embeddingBackward(vCache, null, head(sOnehot, nv), ids, n, 1, v);
        long nsv = (long) n * s * v;
        backend.attentionForward(head(sCopy, nv), head(sAtt, (long) n * s), head(sq, nv), head(kCache, nsv),
                head(vCache, nsv), keyMask, n, 1, s, 1, v, false);
        backend.linearForward(head(sf, nc), hr, fw, fb, n, c, c);
        backend.activationForward(head(sfr, nc), head(sf, nc), Activation.RELU, nc);
        backend.linearForward(head(sGen, nv), head(sfr, nc), ow, ob, n, c, v);
        backend.linearForward(head(sm, ng), hr, g1w, g1b, n, c, g);
        backend.activationForward(head(smr, ng), head(sm, ng), Activation.RELU, ng);
        backend.linearForward(head(sMix, 2L * n), head(smr, ng), g2w, g2b, n, g, 2);
        backend.mixtureForward(head(sLogp, nv), head(sMixP, 2L * n), head(sGenP, nv), head(sCopy, nv),
                head(sGen, nv), head(sMix, 2L * n), n, 1, v);
    }
}
