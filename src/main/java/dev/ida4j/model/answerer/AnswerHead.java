package dev.ida4j.model.answerer;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorSet;
import java.util.Map;

/**
 * The decoder for answer position i (own weights per position, reference §1.4 item 4): from the question vector
 * and the answer tokens before i to a log-distribution over the vocabulary, mixing K = W copy distributions with a
 * generated one.
 *
 * <pre>
 *   dec   = qvec (+ prev(wte[answer tokens 0..i-1]) for i > 0)            (b·q, C)
 *   dists = attention(q = copy.q(dec), k = copy.k(facts), v = onehot,
 *                     NH = K heads of size V, fact mask)                  (b, q, K·V)
 *   gl    = gen.proj(relu(gen.fc(dec)))                                   (b·q, V)
 *   ml    = mix.proj(relu(mix.fc(dec)))                                   (b·q, K+1)
 *   logp  = mixture(dists, gl, ml)                                        (b·q, V)
 *   loss  = crossEntropy(logp, targets) · questionMask                    (b·q)
 * </pre>
 *
 * A copy head "points at a fact and takes its w-th token": its values are the one-hot rows of the facts' w-th
 * tokens, so its attention output is a distribution over the vocabulary. Adding prev(...) to qvec, rather than
 * concatenating as the reference does, is the same function class (a linear of a concatenation is a sum of linears).
 */
final class AnswerHead {
    private final Backend backend;
    private final AnswererConfig cfg;
    private final int i;
    private final Tensor wte, dwte;
    private final Tensor prevW, prevB, cqW, cqB, ckW, ckB, gfcW, gfcB, gpW, gpB, mfcW, mfcB, mpW, mpB;
    private final Tensor dprevW, dprevB, dcqW, dcqB, dckW, dckB, dgfcW, dgfcB, dgpW, dgpB, dmfcW, dmfcB, dmpW, dmpB;
    private final String prevIds, targets, prevEmb, prevLin, dec, cq, ck, dists, att, g1, g1r, gl, m1, m1r, ml,
            logp, mix, gen, probs, losses, gPrev;
    private static final String G = "answer.g.";

    AnswerHead(Backend backend, AnswererConfig cfg, int position, TensorSet params, TensorSet grads) {
        this.backend = backend;
        this.cfg = cfg;
        this.i = position;
        String p = "answer." + i + ".";
        wte = i > 0 ? params.get("answer.wte") : null;
        dwte = i > 0 ? grads.get("answer.wte") : null;
        prevW = i > 0 ? params.get(p + "prev.weight") : null;
        prevB = i > 0 ? params.get(p + "prev.bias") : null;
        dprevW = i > 0 ? grads.get(p + "prev.weight") : null;
        dprevB = i > 0 ? grads.get(p + "prev.bias") : null;
        cqW = params.get(p + "copy.q.weight");
        cqB = params.get(p + "copy.q.bias");
        ckW = params.get(p + "copy.k.weight");
        ckB = params.get(p + "copy.k.bias");
        gfcW = params.get(p + "gen.fc.weight");
        gfcB = params.get(p + "gen.fc.bias");
        gpW = params.get(p + "gen.proj.weight");
        gpB = params.get(p + "gen.proj.bias");
        mfcW = params.get(p + "mix.fc.weight");
        mfcB = params.get(p + "mix.fc.bias");
        mpW = params.get(p + "mix.proj.weight");
        mpB = params.get(p + "mix.proj.bias");
        dcqW = grads.get(p + "copy.q.weight");
        dcqB = grads.get(p + "copy.q.bias");
        dckW = grads.get(p + "copy.k.weight");
        dckB = grads.get(p + "copy.k.bias");
        dgfcW = grads.get(p + "gen.fc.weight");
        dgfcB = grads.get(p + "gen.fc.bias");
        dgpW = grads.get(p + "gen.proj.weight");
        dgpB = grads.get(p + "gen.proj.bias");
        dmfcW = grads.get(p + "mix.fc.weight");
        dmfcB = grads.get(p + "mix.fc.bias");
        dmpW = grads.get(p + "mix.proj.weight");
        dmpB = grads.get(p + "mix.proj.bias");
        prevIds = p + "prev.ids";
        targets = p + "targets";
        prevEmb = p + "prev.emb";
        prevLin = p + "prev.lin";
        dec = p + "dec";
        cq = p + "cq";
        ck = p + "ck";
        dists = p + "dists";
        att = p + "att";
        g1 = p + "g1";
        g1r = p + "g1r";
        gl = p + "gl";
        m1 = p + "m1";
        m1r = p + "m1r";
        ml = p + "ml";
        logp = p + "logp";
        mix = p + "mix";
        gen = p + "gen";
        probs = p + "probs";
        losses = p + "losses";
        gPrev = p + "g.prev";
    }

    static void declare(Workspace ws, AnswererConfig cfg, int i) {
        String p = "answer." + i + ".";
        int c = cfg.channels();
        int e = cfg.tokenEmbedding();
        int kv = cfg.copyHeads() * cfg.vocab();
        int v = cfg.vocab();
        int h = cfg.hidden();
        int k1 = cfg.copyHeads() + 1;
        ws.addInt(p + "targets", d -> new int[] {d.nq()});
        if (i > 0) {
            ws.addInt(p + "prev.ids", d -> new int[] {d.nq(), i})
                    .add(p + "prev.emb", d -> new int[] {d.nq(), i * e}).add(p + "prev.lin", d -> new int[] {d.nq(), c})
                    .add(p + "dec", d -> new int[] {d.nq(), c}).add(p + "g.prev", d -> new int[] {d.nq(), i * e});
        }
        ws.add(p + "cq", d -> new int[] {d.b(), d.q(), kv}).add(p + "ck", d -> new int[] {d.b(), d.f(), kv})
                .add(p + "dists", d -> new int[] {d.nq(), kv}) // rank 2: read as (b, q, K·V) and (b·q, K, V)
                .add(p + "att", d -> new int[] {d.b(), cfg.copyHeads(), d.q(), d.f()})
                .add(p + "g1", d -> new int[] {d.nq(), h}).add(p + "g1r", d -> new int[] {d.nq(), h})
                .add(p + "gl", d -> new int[] {d.nq(), v})
                .add(p + "m1", d -> new int[] {d.nq(), h}).add(p + "m1r", d -> new int[] {d.nq(), h})
                .add(p + "ml", d -> new int[] {d.nq(), k1})
                .add(p + "logp", d -> new int[] {d.nq(), v}).add(p + "mix", d -> new int[] {d.nq(), k1})
                .add(p + "gen", d -> new int[] {d.nq(), v}).add(p + "probs", d -> new int[] {d.nq(), v})
                .add(p + "losses", d -> new int[] {d.nq()});
        if (i == 0) { // gradient scratch shared by all positions
            ws.add(G + "logp", d -> new int[] {d.nq(), v}).add(G + "dists", d -> new int[] {d.nq(), kv})
                    .add(G + "gl", d -> new int[] {d.nq(), v}).add(G + "ml", d -> new int[] {d.nq(), k1})
                    .add(G + "h1", d -> new int[] {d.nq(), h}).add(G + "h2", d -> new int[] {d.nq(), h})
                    .add(G + "dec", d -> new int[] {d.nq(), c}).add(G + "cq", d -> new int[] {d.b(), d.q(), kv})
                    .add(G + "ck", d -> new int[] {d.b(), d.f(), kv});
        }
    }

    Tensor prevIds(Map<String, Tensor> acts) {
        return acts.get(prevIds);
    }

    Tensor targets(Map<String, Tensor> acts) {
        return acts.get(targets);
    }

    Tensor logp(Map<String, Tensor> acts) {
        return acts.get(logp);
    }

    Tensor losses(Map<String, Tensor> acts) {
        return acts.get(losses);
    }

    /** The copy keys from the fact states (b, f, C): depend on the facts alone, so inference computes them once. */
    void keys(Map<String, Tensor> acts, Dims d, Tensor factState) {
        backend.linearForward(acts.get(ck), factState, ckW, ckB, d.nf(), cfg.channels(), kv());
    }

    /** logp (b·q, V) from qvec (b·q, C), the keys of {@link #keys}, the one-hot values and the fact mask. */
    void forward(Map<String, Tensor> acts, Dims d, Tensor qvec, Tensor onehot, Tensor factMask) {
        int c = cfg.channels();
        int h = cfg.hidden();
        int v = cfg.vocab();
        int k = cfg.copyHeads();
        int nq = d.nq();
        Tensor in = decoderInput(acts, d, qvec);
        backend.linearForward(acts.get(cq), in, cqW, cqB, nq, c, kv());
        backend.attentionForward(acts.get(dists), acts.get(att), acts.get(cq), acts.get(ck), onehot, factMask,
                d.b(), d.q(), d.f(), k, v, false);
        mlp(in, acts.get(g1), acts.get(g1r), acts.get(gl), gfcW, gfcB, gpW, gpB, nq, h, v);
        mlp(in, acts.get(m1), acts.get(m1r), acts.get(ml), mfcW, mfcB, mpW, mpB, nq, h, k + 1);
        backend.mixtureForward(acts.get(logp), acts.get(mix), acts.get(gen), acts.get(dists), acts.get(gl),
                acts.get(ml), nq, k, v);
    }

    private Tensor decoderInput(Map<String, Tensor> acts, Dims d, Tensor qvec) {
        if (i == 0) {
            return qvec;
        }
        int e = cfg.tokenEmbedding();
        backend.embeddingForward(acts.get(prevEmb), acts.get(prevIds), wte, null, d.nq(), i, e);
        backend.linearForward(acts.get(prevLin), acts.get(prevEmb), prevW, prevB, d.nq(), i * e, cfg.channels());
        backend.residualForward(acts.get(dec), qvec, acts.get(prevLin), (long) d.nq() * cfg.channels());
        return acts.get(dec);
    }

    private void mlp(Tensor in, Tensor hid, Tensor hidr, Tensor outp, Tensor w1, Tensor b1, Tensor w2, Tensor b2,
                     int n, int h, int o) {
        backend.linearForward(hid, in, w1, b1, n, cfg.channels(), h);
        backend.activationForward(hidr, hid, Activation.RELU, (long) n * h);
        backend.linearForward(outp, hidr, w2, b2, n, h, o);
    }

    /** losses (b·q) = masked cross-entropy of logp against this position's targets. */
    void loss(Map<String, Tensor> acts, Dims d, Tensor questionMask) {
        backend.crossEntropyForward(acts.get(losses), acts.get(probs), acts.get(logp), acts.get(targets),
                questionMask, d.nq(), cfg.vocab());
    }

    /** Accumulates dqvec (b·q, C), dfactState (b·f, C) and the parameter gradients; dlosses (b·q) read only. */
    void backward(Map<String, Tensor> acts, Dims d, Tensor dlosses, Tensor questionMask, Tensor qvec,
                  Tensor factState, Tensor onehot, Tensor dqvec, Tensor dfactState) {
        int c = cfg.channels();
        int h = cfg.hidden();
        int v = cfg.vocab();
        int k = cfg.copyHeads();
        int nq = d.nq();
        Tensor dlogp = zero(acts.get(G + "logp"));
        backend.crossEntropyBackward(dlogp, dlosses, acts.get(probs), acts.get(targets), questionMask, nq, v);
        Tensor ddists = zero(acts.get(G + "dists"));
        Tensor dgl = zero(acts.get(G + "gl"));
        Tensor dml = zero(acts.get(G + "ml"));
        backend.mixtureBackward(ddists, dgl, dml, dlogp, acts.get(dists), acts.get(gen), acts.get(mix), nq, k, v);
        Tensor in = i == 0 ? qvec : acts.get(dec);
        Tensor ddec = zero(acts.get(G + "dec"));
        mlpBackward(acts, ddec, dgl, in, acts.get(g1), acts.get(g1r), gfcW, gpW, dgfcW, dgfcB, dgpW, dgpB, nq, h, v);
        mlpBackward(acts, ddec, dml, in, acts.get(m1), acts.get(m1r), mfcW, mpW, dmfcW, dmfcB, dmpW, dmpB, nq, h,
                k + 1);
        Tensor dcq = zero(acts.get(G + "cq"));
        Tensor dck = zero(acts.get(G + "ck"));
        // the one-hot values are data, not parameters: no dv
        backend.attentionBackward(dcq, dck, null, ddists, acts.get(cq), acts.get(ck), onehot, acts.get(att),
                d.b(), d.q(), d.f(), k, v);
        backend.linearBackward(ddec, dcqW, dcqB, dcq, in, cqW, nq, c, kv());
        backend.linearBackward(dfactState, dckW, dckB, dck, factState, ckW, d.nf(), c, kv());
        backend.residualBackward(dqvec, null, ddec, (long) nq * c);
        if (i > 0) {
            int e = cfg.tokenEmbedding();
            Tensor dprev = zero(acts.get(gPrev));
            backend.linearBackward(dprev, dprevW, dprevB, ddec, acts.get(prevEmb), prevW, nq, i * e, c);
            backend.embeddingBackward(dwte, null, dprev, acts.get(prevIds), nq, i, e);
        }
    }

    private void mlpBackward(Map<String, Tensor> acts, Tensor din, Tensor dout, Tensor in, Tensor hid, Tensor hidr,
                             Tensor w1, Tensor w2, Tensor dw1, Tensor db1, Tensor dw2, Tensor db2, int n, int h,
                             int o) {
        Tensor dhr = zero(acts.get(G + "h1"));
        backend.linearBackward(dhr, dw2, db2, dout, hidr, w2, n, h, o);
        Tensor dh = zero(acts.get(G + "h2"));
        backend.activationBackward(dh, dhr, hid, Activation.RELU, (long) n * h);
        backend.linearBackward(din, dw1, db1, dh, in, w1, n, cfg.channels(), h);
    }

    private int kv() {
        return cfg.copyHeads() * cfg.vocab();
    }

    private Tensor zero(Tensor t) {
        backend.fill(t, 0f);
        return t;
    }
}
