package dev.ida4j.model.asker;

import static dev.ida4j.model.asker.Views.head;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;

/**
 * One causal self-attention cell of H′ over (n, S, C) activations, in either form of {@link AskerConfig#postLn}:
 *
 * <pre>
 *   post-LN (reference):  mid = LN1(x + drop(attn(x)));   out = LN2(mid + drop(BN(mlp(mid))))
 *   pre-LN:               mid = x + drop(attn(LN1(x)));   out = mid + drop(mlp(LN2(mid)))
 *   attn(a) = proj(attention(q(a), k(a), v(a)))  causal, NH heads;   mlp(a) = W2·relu(W1·a)
 * </pre>
 *
 * It owns its activations (for a capacity of N transcripts) and its key/value cache for incremental decoding;
 * gradients of activations live in the shared {@link Scratch}. {@link #step} computes one position for every
 * transcript in eval mode (no dropout, BatchNorm on running statistics), which is row-wise except for attention,
 * whose keys and values come from the cache — so it matches the full forward at that position.
 */
final class Cell {
    private static final float BN_EPS = 1e-5f;

    private final Backend backend;
    private final boolean postLn;
    private final float dropout;
    private final int s;
    private final int c;
    private final int nh;
    private final Scratch scratch;
    // parameters and their gradients
    private final Tensor wq, wk, wv, bq, bk, bv, projw, projb, ln1w, ln1b, fcw, fcb, mlpw, mlpb, ln2w, ln2b, bnb;
    private final Tensor dwq, dwk, dwv, dbq, dbk, dbv, dprojw, dprojb, dln1w, dln1b, dfcw, dfcb, dmlpw, dmlpb,
            dln2w, dln2b, dbnb;
    private final Tensor runMean, runVar; // (C) BatchNorm running statistics (post-LN only)
    // activations, R = N·S rows
    private Tensor x;                               // (R, C) input, owned by the caller
    private final Tensor lnA, meanA, rstdA;         // pre-LN: LN1(x) (R, C), (R), (R)
    private final Tensor q, k, v, att, atty;        // (R, C) ×3, (N, NH, S, S), (R, C)
    private final Tensor proj, mask1, drop1, mid;   // (R, C): attn out, dropout mask, dropped, after residual (+LN1)
    private final Tensor midRes, meanB, rstdB;      // post-LN: x + drop1 (R, C), LN1 stats (R), (R)
    private final Tensor ln2, meanC, rstdC;         // pre-LN: LN2(mid) (R, C), (R), (R)
    private final Tensor fc, act, mlp;              // (R, 4C), (R, 4C), (R, C)
    private final Tensor bn, bnMean, bnRstd;        // post-LN: BN(mlp) (R, C), (C), (C)
    private final Tensor mask2, drop2, res2;        // (R, C) dropout mask, dropped, mid + drop2
    private final Tensor out, meanD, rstdD;         // post-LN: LN2(res2) (R, C), (R), (R); pre-LN: out = res2
    // incremental-decoding cache: row b·S + j holds position j of transcript b
    private final Tensor kCache, vCache;            // (N·S, C)

    Cell(Backend backend, AskerConfig cfg, int layer, TensorSet params, TensorSet grads, TensorSet buffers,
         TensorArena arena, int capacity, Scratch scratch) {
        this.backend = backend;
        this.postLn = cfg.postLn();
        this.dropout = cfg.dropout();
        this.s = cfg.positions();
        this.c = cfg.channels();
        this.nh = cfg.heads();
        this.scratch = scratch;
        String h = "h." + layer + ".";
        long cc = (long) c * c;
        Tensor qkvw = params.get(h + "attn.qkv.weight");
        Tensor qkvb = params.get(h + "attn.qkv.bias");
        wq = qkvw.view(h + "wq", 0, c, c);
        wk = qkvw.view(h + "wk", cc, c, c);
        wv = qkvw.view(h + "wv", 2 * cc, c, c);
        bq = qkvb.view(h + "bq", 0, c);
        bk = qkvb.view(h + "bk", c, c);
        bv = qkvb.view(h + "bv", 2L * c, c);
        Tensor dqkvw = grads.get(h + "attn.qkv.weight");
        Tensor dqkvb = grads.get(h + "attn.qkv.bias");
        dwq = dqkvw.view(h + "dwq", 0, c, c);
        dwk = dqkvw.view(h + "dwk", cc, c, c);
        dwv = dqkvw.view(h + "dwv", 2 * cc, c, c);
        dbq = dqkvb.view(h + "dbq", 0, c);
        dbk = dqkvb.view(h + "dbk", c, c);
        dbv = dqkvb.view(h + "dbv", 2L * c, c);
        projw = params.get(h + "attn.proj.weight");
        projb = params.get(h + "attn.proj.bias");
        ln1w = params.get(h + "ln1.weight");
        ln1b = params.get(h + "ln1.bias");
        fcw = params.get(h + "mlp.fc.weight");
        fcb = params.get(h + "mlp.fc.bias");
        mlpw = params.get(h + "mlp.proj.weight");
        mlpb = postLn ? null : params.get(h + "mlp.proj.bias");
        ln2w = params.get(h + "ln2.weight");
        ln2b = params.get(h + "ln2.bias");
        dprojw = grads.get(h + "attn.proj.weight");
        dprojb = grads.get(h + "attn.proj.bias");
        dln1w = grads.get(h + "ln1.weight");
        dln1b = grads.get(h + "ln1.bias");
        dfcw = grads.get(h + "mlp.fc.weight");
        dfcb = grads.get(h + "mlp.fc.bias");
        dmlpw = grads.get(h + "mlp.proj.weight");
        dmlpb = postLn ? null : grads.get(h + "mlp.proj.bias");
        dln2w = grads.get(h + "ln2.weight");
        dln2b = grads.get(h + "ln2.bias");
        bnb = postLn ? params.get(h + "bn.bias") : null;
        dbnb = postLn ? grads.get(h + "bn.bias") : null;
        runMean = postLn ? buffers.get(h + "bn.running_mean") : null;
        runVar = postLn ? buffers.get(h + "bn.running_var") : null;
        int r = capacity * s;
        TensorSet a = arena.allocate("asker.h." + layer, TensorLayout.builder()
                .add("lnA", r, c).add("meanA", r).add("rstdA", r)
                .add("q", r, c).add("k", r, c).add("v", r, c).add("att", capacity, nh, s, s).add("atty", r, c)
                .add("proj", r, c).add("mask1", r, c).add("drop1", r, c).add("mid", r, c)
                .add("midRes", r, c).add("meanB", r).add("rstdB", r)
                .add("ln2", r, c).add("meanC", r).add("rstdC", r)
                .add("fc", r, 4 * c).add("act", r, 4 * c).add("mlp", r, c)
                .add("bn", r, c).add("bnMean", c).add("bnRstd", c)
                .add("mask2", r, c).add("drop2", r, c).add("res2", r, c)
                .add("out", r, c).add("meanD", r).add("rstdD", r)
                .add("kCache", r, c).add("vCache", r, c)
                .build());
        lnA = a.get("lnA");
        meanA = a.get("meanA");
        rstdA = a.get("rstdA");
        q = a.get("q");
        k = a.get("k");
        v = a.get("v");
        att = a.get("att");
        atty = a.get("atty");
        proj = a.get("proj");
        mask1 = a.get("mask1");
        drop1 = a.get("drop1");
        mid = a.get("mid");
        midRes = a.get("midRes");
        meanB = a.get("meanB");
        rstdB = a.get("rstdB");
        ln2 = a.get("ln2");
        meanC = a.get("meanC");
        rstdC = a.get("rstdC");
        fc = a.get("fc");
        act = a.get("act");
        mlp = a.get("mlp");
        bn = a.get("bn");
        bnMean = a.get("bnMean");
        bnRstd = a.get("bnRstd");
        mask2 = a.get("mask2");
        drop2 = a.get("drop2");
        res2 = a.get("res2");
        out = postLn ? a.get("out") : res2;
        meanD = a.get("meanD");
        rstdD = a.get("rstdD");
        kCache = a.get("kCache");
        vCache = a.get("vCache");
    }

    /** The output of the last {@link #forward}, (R, C) at capacity; the first n·S rows are valid. */
    Tensor out() {
        return out;
    }

    /**
     * Forward over the first {@code len} positions (S for training; a prefix when decoding) of n transcripts, rows
     * (n, len, C) packed. {@code input} must stay unchanged until {@link #backward}. In training mode dropout draws
     * its masks from the two seeds and BatchNorm uses (and updates with {@code bnMomentum}) batch statistics.
     */
    void forward(int n, int len, Tensor input, boolean training, long seed1, long seed2, float bnMomentum) {
        x = input;
        int r = n * len;
        long rc = (long) r * c;
        boolean drop = training && dropout > 0;
        Tensor xr = head(x, rc);
        Tensor a = xr;
        if (!postLn) {
            backend.layerNormForward(head(lnA, rc), head(meanA, r), head(rstdA, r), xr, ln1w, ln1b, r, c);
            a = head(lnA, rc);
        }
        backend.linearForward(head(q, rc), a, wq, bq, r, c, c);
        backend.linearForward(head(k, rc), a, wk, bk, r, c, c);
        backend.linearForward(head(v, rc), a, wv, bv, r, c, c);
        backend.attentionForward(head(atty, rc), head(att, (long) n * nh * len * len), head(q, rc), head(k, rc),
                head(v, rc), null, n, len, len, nh, c / nh, true);
        backend.linearForward(head(proj, rc), head(atty, rc), projw, projb, r, c, c);
        Tensor d1 = head(proj, rc);
        if (drop) {
            backend.dropoutForward(head(drop1, rc), head(mask1, rc), d1, dropout, seed1, rc);
            d1 = head(drop1, rc);
        }
        if (postLn) {
            backend.residualForward(head(midRes, rc), xr, d1, rc);
            backend.layerNormForward(head(mid, rc), head(meanB, r), head(rstdB, r), head(midRes, rc), ln1w, ln1b,
                    r, c);
            a = head(mid, rc);
        } else {
            backend.residualForward(head(mid, rc), xr, d1, rc);
            backend.layerNormForward(head(ln2, rc), head(meanC, r), head(rstdC, r), head(mid, rc), ln2w, ln2b, r, c);
            a = head(ln2, rc);
        }
        backend.linearForward(head(fc, 4 * rc), a, fcw, fcb, r, c, 4 * c);
        backend.activationForward(head(act, 4 * rc), head(fc, 4 * rc), Activation.RELU, 4 * rc);
        backend.linearForward(head(mlp, rc), head(act, 4 * rc), mlpw, mlpb, r, 4 * c, c);
        Tensor d2 = head(mlp, rc);
        if (postLn) {
            backend.batchNormForward(head(bn, rc), bnMean, bnRstd, runMean, runVar, d2, scratch.ones, bnb,
                    bnMomentum, BN_EPS, training, r, c);
            d2 = head(bn, rc);
        }
        if (drop) {
            backend.dropoutForward(head(drop2, rc), head(mask2, rc), d2, dropout, seed2, rc);
            d2 = head(drop2, rc);
        }
        backend.residualForward(head(res2, rc), head(mid, rc), d2, rc);
        if (postLn) {
            backend.layerNormForward(head(out, rc), head(meanD, r), head(rstdD, r), head(res2, rc), ln2w, ln2b, r, c);
        }
    }

    /**
     * Backward of the last training {@link #forward} (over all S positions): accumulates parameter gradients and adds dL/d input into
     * {@code dx} (R, C), given dL/d output {@code dout} (R, C). Uses (and clobbers) the shared scratch.
     */
    void backward(int n, Tensor dx, Tensor dout, boolean training) {
        int r = n * s;
        long rc = (long) r * c;
        boolean drop = training && dropout > 0;
        Tensor g1 = head(scratch.g1, rc);
        Tensor g2 = head(scratch.g2, rc);
        Tensor g3 = head(scratch.g3, rc);
        Tensor g4 = head(scratch.g4, rc);
        Tensor gb1 = head(scratch.gb1, 4 * rc);
        Tensor gb2 = head(scratch.gb2, 4 * rc);
        Tensor dxr = head(dx, rc);
        Tensor doutr = head(dout, rc);
        // g1 = dL/d res2 (the residual sum after the MLP)
        backend.fill(g1, 0f);
        if (postLn) {
            backend.layerNormBackward(g1, dln2w, dln2b, doutr, head(res2, rc), ln2w, head(meanD, r), head(rstdD, r),
                    r, c);
        } else {
            backend.residualBackward(g1, null, doutr, rc);
        }
        // MLP branch: g2 = dL/d (dropout input), then down to the MLP input
        Tensor dd2 = g1;
        if (drop) {
            backend.fill(g2, 0f);
            backend.dropoutBackward(g2, g1, head(mask2, rc), rc);
            dd2 = g2;
        }
        Tensor dmlp = dd2;
        if (postLn) {
            backend.fill(g3, 0f);
            backend.batchNormBackward(g3, null, dbnb, dd2, head(mlp, rc), scratch.ones, bnMean, bnRstd, r, c);
            dmlp = g3;
        }
        backend.fill(gb1, 0f);
        backend.linearBackward(gb1, dmlpw, dmlpb, dmlp, head(act, 4 * rc), mlpw, r, 4 * c, c);
        backend.fill(gb2, 0f);
        backend.activationBackward(gb2, gb1, head(fc, 4 * rc), Activation.RELU, 4 * rc);
        // g1 becomes dL/d mid: the residual path (already in g1) plus the MLP input's gradient
        if (postLn) {
            backend.linearBackward(g1, dfcw, dfcb, gb2, head(mid, rc), fcw, r, c, 4 * c);
            backend.fill(g2, 0f);
            backend.layerNormBackward(g2, dln1w, dln1b, g1, head(midRes, rc), ln1w, head(meanB, r), head(rstdB, r),
                    r, c);
        } else {
            backend.fill(g4, 0f);
            backend.linearBackward(g4, dfcw, dfcb, gb2, head(ln2, rc), fcw, r, c, 4 * c);
            backend.layerNormBackward(g1, dln2w, dln2b, g4, head(mid, rc), ln2w, head(meanC, r), head(rstdC, r), r, c);
            backend.fill(g2, 0f);
            backend.residualBackward(g2, null, g1, rc);
        }
        // g2 = dL/d (x + drop1): to x directly, and through the attention branch
        backend.residualBackward(dxr, null, g2, rc);
        Tensor dproj = g2;
        if (drop) {
            backend.fill(g3, 0f);
            backend.dropoutBackward(g3, g2, head(mask1, rc), rc);
            dproj = g3;
        }
        backend.fill(g4, 0f);
        backend.linearBackward(g4, dprojw, dprojb, dproj, head(atty, rc), projw, r, c, c);
        Tensor dq = head(scratch.dq, rc);
        Tensor dk = head(scratch.dk, rc);
        Tensor dv = head(scratch.dv, rc);
        backend.fill(scratch.dqkv, 0f);
        backend.attentionBackward(dq, dk, dv, g4, head(q, rc), head(k, rc), head(v, rc),
                head(att, (long) n * nh * s * s), n, s, s, nh, c / nh);
        Tensor a = postLn ? head(x, rc) : head(lnA, rc);
        Tensor da = dxr;
        if (!postLn) {
            backend.fill(g1, 0f);
            da = g1;
        }
        backend.linearBackward(da, dwq, dbq, dq, a, wq, r, c, c);
        backend.linearBackward(da, dwk, dbk, dk, a, wk, r, c, c);
        backend.linearBackward(da, dwv, dbv, dv, a, wv, r, c, c);
        if (!postLn) {
            backend.layerNormBackward(dxr, dln1w, dln1b, g1, head(x, rc), ln1w, head(meanA, r), head(rstdA, r), r, c);
        }
    }

    // ---- incremental decoding ----------------------------------------------------------------------------------

    /**
     * Fills the cache with the keys and values of the last (eval) {@link #forward} over {@code len} positions:
     * {@code ids} (n, len) names each row's cache row, b·S + j. Zeroes the cache first (the scatter accumulates).
     */
    void prefill(int n, int len, Tensor ids) {
        long rc = (long) n * len * c;
        backend.fill(kCache, 0f);
        backend.fill(vCache, 0f);
        backend.embeddingBackward(kCache, null, head(k, rc), ids, n, len, c);
        backend.embeddingBackward(vCache, null, head(v, rc), ids, n, len, c);
    }

    /**
     * One position for n transcripts in eval mode: {@code xs} (n, C) → {@code ys} (n, C). {@code ids} (n, 1) are the
     * cache rows b·S + p of this position, {@code keyMask} (n, S) is 1 for positions ≤ p.
     */
    void step(int n, Tensor ys, Tensor xs, Tensor ids, Tensor keyMask) {
        Scratch.Step t = scratch.step;
        long nc = (long) n * c;
        Tensor a = head(xs, nc);
        if (!postLn) {
            backend.layerNormForward(head(t.ln1(), nc), head(t.mean(), n), head(t.rstd(), n), a, ln1w, ln1b, n, c);
            a = head(t.ln1(), nc);
        }
        backend.linearForward(head(t.q(), nc), a, wq, bq, n, c, c);
        backend.linearForward(head(t.k(), nc), a, wk, bk, n, c, c);
        backend.linearForward(head(t.v(), nc), a, wv, bv, n, c, c);
        backend.embeddingBackward(kCache, null, head(t.k(), nc), ids, n, 1, c);
        backend.embeddingBackward(vCache, null, head(t.v(), nc), ids, n, 1, c);
        long nsc = (long) n * s * c;
        // one query against the cached keys 0..p (the mask): exactly the row p of the causal full attention
        backend.attentionForward(head(t.atty(), nc), head(t.att(), (long) n * nh * s), head(t.q(), nc),
                head(kCache, nsc), head(vCache, nsc), keyMask, n, 1, s, nh, c / nh, false);
        backend.linearForward(head(t.proj(), nc), head(t.atty(), nc), projw, projb, n, c, c);
        Tensor m = head(t.res1(), nc);
        backend.residualForward(m, head(xs, nc), head(t.proj(), nc), nc);
        if (postLn) {
            backend.layerNormForward(head(t.ln1(), nc), head(t.mean(), n), head(t.rstd(), n), m, ln1w, ln1b, n, c);
            m = head(t.ln1(), nc);
            a = m;
        } else {
            backend.layerNormForward(head(t.ln1(), nc), head(t.mean(), n), head(t.rstd(), n), m, ln2w, ln2b, n, c);
            a = head(t.ln1(), nc);
        }
        backend.linearForward(head(t.fc(), 4 * nc), a, fcw, fcb, n, c, 4 * c);
        backend.activationForward(head(t.act(), 4 * nc), head(t.fc(), 4 * nc), Activation.RELU, 4 * nc);
        backend.linearForward(head(t.mlp(), nc), head(t.act(), 4 * nc), mlpw, mlpb, n, 4 * c, c);
        Tensor b2 = head(t.mlp(), nc);
        if (postLn) {
            backend.batchNormForward(head(t.bn(), nc), t.bnMean(), t.bnRstd(), runMean, runVar, b2, scratch.ones,
                    bnb, 0f, BN_EPS, false, n, c);
            b2 = head(t.bn(), nc);
            backend.residualForward(head(t.res2(), nc), m, b2, nc);
            backend.layerNormForward(head(ys, nc), head(t.mean(), n), head(t.rstd(), n), head(t.res2(), nc),
                    ln2w, ln2b, n, c);
        } else {
            backend.residualForward(head(ys, nc), m, b2, nc);
        }
    }
}
