package dev.ida4j.model.answerer;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorSet;
import java.util.Map;
import java.util.function.Function;

/**
 * One transformer cell (reference §1.4 item 5) over rows x(b, t, C) attending to keys from itself (fact encoder,
 * self-attention) or from the fact states ctx(b, f, C) (question encoder, cross-attention), with the fact mask as key
 * mask. Two variants:
 *
 * <pre>
 *   post-LN (reference):  y = LN1(x + drop(attn(x, ctx)));  out = LN2(y + drop(BN(mlp(y))))
 *   pre-LN  (modern):     y = x + drop(attn(LN1(x), ctx));  out = y + drop(mlp(LN2(y)))
 * </pre>
 *
 * attn = multi-head attention with q, k, v and output linears; mlp = fc(C→H), ReLU, proj(H→C); BN = BatchNorm
 * with a constant unit scale and a learned shift (which replaces proj's bias). For self-attention in pre-LN mode the
 * keys come from LN1(x). Dropout (training only) draws its mask per element, where the reference shares one mask
 * across positions. Activations live in the model's {@link Workspace} under this cell's prefix; gradient scratch is
 * shared by the cells of one stack.
 */
final class Cell {
    private final Backend backend;
    private final AnswererConfig cfg;
    private final boolean self;
    private final boolean pre;
    private final Tensor ones;
    // parameters and their gradients
    private final Tensor wq, bq, wk, bk, wv, bv, wo, bo, ln1w, ln1b, fcw, fcb, projw, projb, ln2w, ln2b;
    private final Tensor dwq, dbq, dwk, dbk, dwv, dbv, dwo, dbo, dln1w, dln1b, dfcw, dfcb, dprojw, dprojb, dln2w,
            dln2b;
    private final Tensor runMean, runVar;
    // activation names
    private final String xn, xnMean, xnRstd, q, k, v, att, a, o, od, mask1, r1, y, yMean, yRstd, h, hr, m, mb,
            bnMean, bnRstd, md, mask2, r2, out, outMean, outRstd;
    // gradient scratch names, shared by the stack
    private final String gr, gy, gdrop, gm, gh1, gh2, gq, gk, gv;
    private boolean dropped;

    Cell(Backend backend, AnswererConfig cfg, String prefix, String scratch, boolean self, TensorSet params,
         TensorSet grads, TensorSet buffers, Tensor ones) {
        this.backend = backend;
        this.cfg = cfg;
        this.self = self;
        this.pre = cfg.preLayerNorm();
        this.ones = ones;
        String p = prefix;
        wq = params.get(p + "attn.q.weight");
        bq = params.get(p + "attn.q.bias");
        wk = params.get(p + "attn.k.weight");
        bk = params.get(p + "attn.k.bias");
        wv = params.get(p + "attn.v.weight");
        bv = params.get(p + "attn.v.bias");
        wo = params.get(p + "attn.proj.weight");
        bo = params.get(p + "attn.proj.bias");
        ln1w = params.get(p + "ln1.weight");
        ln1b = params.get(p + "ln1.bias");
        fcw = params.get(p + "mlp.fc.weight");
        fcb = params.get(p + "mlp.fc.bias");
        projw = params.get(p + "mlp.proj.weight");
        projb = params.get(p + (pre ? "mlp.proj.bias" : "mlp.bn.bias"));
        ln2w = params.get(p + "ln2.weight");
        ln2b = params.get(p + "ln2.bias");
        dwq = grads.get(p + "attn.q.weight");
        dbq = grads.get(p + "attn.q.bias");
        dwk = grads.get(p + "attn.k.weight");
        dbk = grads.get(p + "attn.k.bias");
        dwv = grads.get(p + "attn.v.weight");
        dbv = grads.get(p + "attn.v.bias");
        dwo = grads.get(p + "attn.proj.weight");
        dbo = grads.get(p + "attn.proj.bias");
        dln1w = grads.get(p + "ln1.weight");
        dln1b = grads.get(p + "ln1.bias");
        dfcw = grads.get(p + "mlp.fc.weight");
        dfcb = grads.get(p + "mlp.fc.bias");
        dprojw = grads.get(p + "mlp.proj.weight");
        dprojb = grads.get(p + (pre ? "mlp.proj.bias" : "mlp.bn.bias"));
        dln2w = grads.get(p + "ln2.weight");
        dln2b = grads.get(p + "ln2.bias");
        runMean = pre ? null : buffers.get(p + "mlp.bn.running_mean");
        runVar = pre ? null : buffers.get(p + "mlp.bn.running_var");
        xn = p + "xn";
        xnMean = p + "xn.mean";
        xnRstd = p + "xn.rstd";
        q = p + "q";
        k = p + "k";
        v = p + "v";
        att = p + "att";
        a = p + "a";
        o = p + "o";
        od = p + "od";
        mask1 = p + "mask1";
        r1 = p + "r1";
        y = p + "y";
        yMean = p + "y.mean";
        yRstd = p + "y.rstd";
        h = p + "h";
        hr = p + "hr";
        m = p + "m";
        mb = p + "mb";
        bnMean = p + "bn.mean";
        bnRstd = p + "bn.rstd";
        md = p + "md";
        mask2 = p + "mask2";
        r2 = p + "r2";
        out = p + "out";
        outMean = p + "out.mean";
        outRstd = p + "out.rstd";
        gr = scratch + "r";
        gy = scratch + "y";
        gdrop = scratch + "drop";
        gm = scratch + "m";
        gh1 = scratch + "h1";
        gh2 = scratch + "h2";
        gq = scratch + "q";
        gk = scratch + "k";
        gv = scratch + "v";
    }

    /** Declares this cell's activations: rows (b, t, C) with t = f (self-attention) or q, keys (b, f, C). */
    static void declare(Workspace ws, AnswererConfig cfg, String p, boolean self) {
        int c = cfg.channels();
        int hid = cfg.hidden();
        int nh = cfg.heads();
        Function<Dims, int[]> rows = self ? d -> new int[] {d.nf(), c} : d -> new int[] {d.nq(), c};
        Function<Dims, int[]> rowsH =
                self ? d -> new int[] {d.nf(), hid} : d -> new int[] {d.nq(), hid};
        Function<Dims, int[]> rows1 = self ? d -> new int[] {d.nf()} : d -> new int[] {d.nq()};
        Function<Dims, int[]> keys = d -> new int[] {d.nf(), c};
        if (cfg.preLayerNorm()) {
            ws.add(p + "xn", rows).add(p + "xn.mean", rows1).add(p + "xn.rstd", rows1);
        }
        ws.add(p + "q", rows).add(p + "k", keys).add(p + "v", keys)
                .add(p + "att", d -> new int[] {d.b(), nh, self ? d.f() : d.q(), d.f()})
                .add(p + "a", rows).add(p + "o", rows).add(p + "od", rows).add(p + "mask1", rows).add(p + "r1", rows)
                .add(p + "y", rows).add(p + "y.mean", rows1).add(p + "y.rstd", rows1)
                .add(p + "h", rowsH).add(p + "hr", rowsH).add(p + "m", rows)
                .add(p + "md", rows).add(p + "mask2", rows).add(p + "out", rows);
        if (!cfg.preLayerNorm()) {
            ws.add(p + "mb", rows).add(p + "r2", rows)
                    .add(p + "bn.mean", d -> new int[] {c}).add(p + "bn.rstd", d -> new int[] {c})
                    .add(p + "out.mean", rows1).add(p + "out.rstd", rows1);
        }
    }

    /** Declares the gradient scratch of a stack whose rows are facts ({@code self}) or questions. */
    static void declareScratch(Workspace ws, AnswererConfig cfg, String s, boolean self) {
        int c = cfg.channels();
        int hid = cfg.hidden();
        Function<Dims, int[]> rows = self ? d -> new int[] {d.nf(), c} : d -> new int[] {d.nq(), c};
        Function<Dims, int[]> rowsH =
                self ? d -> new int[] {d.nf(), hid} : d -> new int[] {d.nq(), hid};
        ws.add(s + "r", rows).add(s + "y", rows).add(s + "drop", rows).add(s + "m", rows)
                .add(s + "h1", rowsH).add(s + "h2", rowsH).add(s + "q", rows)
                .add(s + "k", d -> new int[] {d.nf(), c}).add(s + "v", d -> new int[] {d.nf(), c});
    }

    /** This cell's output (b, t, C). */
    Tensor out(Map<String, Tensor> acts) {
        return acts.get(out);
    }

    /**
     * Cross-attention: the keys and values (b, f, C) from the fact states. They depend on the facts alone, so
     * inference computes them once per encoding ({@link #forward} with ctx null reuses them).
     */
    void keys(Map<String, Tensor> acts, Dims d, Tensor ctx) {
        int c = cfg.channels();
        backend.linearForward(acts.get(k), ctx, wk, bk, d.nf(), c, c);
        backend.linearForward(acts.get(v), ctx, wv, bv, d.nf(), c, c);
    }

    /**
     * out = cell(x, ctx): x(b, t, C); ctx(b, f, C) the fact states, ignored for self-attention, and null for
     * cross-attention whose {@link #keys} are already computed; keyMask(b, f).
     * Dropout runs only when the mode has it and p > 0, with masks drawn from seed1 and seed2.
     */
    void forward(Map<String, Tensor> acts, Dims d, Tensor x, Tensor ctx, Tensor keyMask, Mode mode,
                 long seed1, long seed2) {
        int c = cfg.channels();
        int hid = cfg.hidden();
        int t = self ? d.f() : d.q();
        int n = d.b() * t;
        int nk = d.nf();
        float p = cfg.dropout();
        dropped = mode.dropout() && p > 0;
        Tensor qin = x;
        if (pre) {
            qin = acts.get(xn);
            backend.layerNormForward(qin, acts.get(xnMean), acts.get(xnRstd), x, ln1w, ln1b, n, c);
        }
        backend.linearForward(acts.get(q), qin, wq, bq, n, c, c);
        if (self) {
            backend.linearForward(acts.get(k), qin, wk, bk, nk, c, c);
            backend.linearForward(acts.get(v), qin, wv, bv, nk, c, c);
        } else if (ctx != null) {
            keys(acts, d, ctx);
        }
        backend.attentionForward(acts.get(a), acts.get(att), acts.get(q), acts.get(k), acts.get(v), keyMask,
                d.b(), t, d.f(), cfg.heads(), c / cfg.heads(), false);
        backend.linearForward(acts.get(o), acts.get(a), wo, bo, n, c, c);
        Tensor branch = dropout(acts.get(od), acts.get(mask1), acts.get(o), seed1, (long) n * c);
        backend.residualForward(acts.get(r1), x, branch, (long) n * c);
        // post-LN: y = LN1(r1) is the cell's running state; pre-LN: y = LN2(r1) only feeds the MLP
        Tensor mlpIn = acts.get(y);
        backend.layerNormForward(mlpIn, acts.get(yMean), acts.get(yRstd), acts.get(r1), pre ? ln2w : ln1w,
                pre ? ln2b : ln1b, n, c);
        backend.linearForward(acts.get(h), mlpIn, fcw, fcb, n, c, hid);
        backend.activationForward(acts.get(hr), acts.get(h), Activation.RELU, (long) n * hid);
        backend.linearForward(acts.get(m), acts.get(hr), projw, pre ? projb : null, n, hid, c);
        Tensor mlpOut = acts.get(m);
        if (!pre) {
            mlpOut = acts.get(mb);
            backend.batchNormForward(mlpOut, acts.get(bnMean), acts.get(bnRstd), runMean, runVar, acts.get(m), ones,
                    projb, mode.momentum(), AnswererConfig.BN_EPS, mode.batchStatistics(), n, c);
        }
        branch = dropout(acts.get(md), acts.get(mask2), mlpOut, seed2, (long) n * c);
        if (pre) {
            backend.residualForward(acts.get(out), acts.get(r1), branch, (long) n * c);
        } else {
            backend.residualForward(acts.get(r2), mlpIn, branch, (long) n * c);
            backend.layerNormForward(acts.get(out), acts.get(outMean), acts.get(outRstd), acts.get(r2), ln2w, ln2b,
                    n, c);
        }
    }

    private Tensor dropout(Tensor dst, Tensor mask, Tensor src, long seed, long count) {
        if (!dropped) {
            return src;
        }
        backend.dropoutForward(dst, mask, src, cfg.dropout(), seed, count);
        return dst;
    }

    /**
     * Backward of the last {@link #forward}: reads dout(b, t, C) (left unchanged), accumulates dx(b, t, C), dctx(b, f,
     * C) (cross-attention only) and the parameter gradients.
     */
    void backward(Map<String, Tensor> acts, Dims d, Tensor dout, Tensor dx, Tensor x, Tensor ctx, Tensor dctx) {
        if (pre) {
            backwardPre(acts, d, dout, dx, x, ctx, dctx);
        } else {
            backwardPost(acts, d, dout, dx, x, ctx, dctx);
        }
    }

    private void backwardPost(Map<String, Tensor> acts, Dims d, Tensor dout, Tensor dx, Tensor x, Tensor ctx,
                              Tensor dctx) {
        int c = cfg.channels();
        int hid = cfg.hidden();
        int n = d.b() * (self ? d.f() : d.q());
        long nc = (long) n * c;
        Tensor dr2 = zero(acts.get(gr));
        backend.layerNormBackward(dr2, dln2w, dln2b, dout, acts.get(r2), ln2w, acts.get(outMean), acts.get(outRstd),
                n, c);
        Tensor dy = zero(acts.get(gy));
        backend.residualBackward(dy, null, dr2, nc);
        Tensor dmb = undrop(acts.get(gdrop), dr2, acts.get(mask2), nc);
        Tensor dm = zero(acts.get(gm));
        backend.batchNormBackward(dm, null, dprojb, dmb, acts.get(m), ones, acts.get(bnMean), acts.get(bnRstd), n, c);
        Tensor dhr = zero(acts.get(gh1));
        backend.linearBackward(dhr, dprojw, null, dm, acts.get(hr), projw, n, hid, c);
        Tensor dh = zero(acts.get(gh2));
        backend.activationBackward(dh, dhr, acts.get(h), Activation.RELU, (long) n * hid);
        backend.linearBackward(dy, dfcw, dfcb, dh, acts.get(y), fcw, n, c, hid);
        Tensor dr1 = zero(acts.get(gr));
        backend.layerNormBackward(dr1, dln1w, dln1b, dy, acts.get(r1), ln1w, acts.get(yMean), acts.get(yRstd), n, c);
        backend.residualBackward(dx, null, dr1, nc);
        Tensor dodrop = undrop(acts.get(gdrop), dr1, acts.get(mask1), nc);
        attentionBackward(acts, d, dodrop, dx, x, self ? x : ctx, self ? dx : dctx);
    }

    private void backwardPre(Map<String, Tensor> acts, Dims d, Tensor dout, Tensor dx, Tensor x, Tensor ctx,
                             Tensor dctx) {
        int c = cfg.channels();
        int hid = cfg.hidden();
        int n = d.b() * (self ? d.f() : d.q());
        long nc = (long) n * c;
        Tensor dr1 = zero(acts.get(gr));
        backend.residualBackward(dr1, null, dout, nc);
        Tensor dm = undrop(acts.get(gdrop), dout, acts.get(mask2), nc);
        Tensor dhr = zero(acts.get(gh1));
        backend.linearBackward(dhr, dprojw, dprojb, dm, acts.get(hr), projw, n, hid, c);
        Tensor dh = zero(acts.get(gh2));
        backend.activationBackward(dh, dhr, acts.get(h), Activation.RELU, (long) n * hid);
        Tensor dyn = zero(acts.get(gy));
        backend.linearBackward(dyn, dfcw, dfcb, dh, acts.get(y), fcw, n, c, hid);
        backend.layerNormBackward(dr1, dln2w, dln2b, dyn, acts.get(r1), ln2w, acts.get(yMean), acts.get(yRstd), n, c);
        backend.residualBackward(dx, null, dr1, nc);
        Tensor dodrop = undrop(acts.get(gdrop), dr1, acts.get(mask1), nc);
        Tensor dxn = zero(acts.get(gy));
        attentionBackward(acts, d, dodrop, dxn, acts.get(xn), self ? acts.get(xn) : ctx, self ? dxn : dctx);
        backend.layerNormBackward(dx, dln1w, dln1b, dxn, x, ln1w, acts.get(xnMean), acts.get(xnRstd), n, c);
    }

    /** From the gradient of the attention branch's output to dqin (+=) and dkvin (+=). */
    private void attentionBackward(Map<String, Tensor> acts, Dims d, Tensor dbranch, Tensor dqin, Tensor qin,
                                   Tensor kvin, Tensor dkvin) {
        int c = cfg.channels();
        int t = self ? d.f() : d.q();
        int n = d.b() * t;
        int nk = d.nf();
        Tensor da = zero(acts.get(gm));
        backend.linearBackward(da, dwo, dbo, dbranch, acts.get(a), wo, n, c, c);
        Tensor dq = zero(acts.get(gq));
        Tensor dk = zero(acts.get(gk));
        Tensor dv = zero(acts.get(gv));
        backend.attentionBackward(dq, dk, dv, da, acts.get(q), acts.get(k), acts.get(v), acts.get(att),
                d.b(), t, d.f(), cfg.heads(), c / cfg.heads());
        backend.linearBackward(dqin, dwq, dbq, dq, qin, wq, n, c, c);
        backend.linearBackward(dkvin, dwk, dbk, dk, kvin, wk, nk, c, c);
        backend.linearBackward(dkvin, dwv, dbv, dv, kvin, wv, nk, c, c);
    }

    /** The gradient before a dropout: into {@code scratch} through the mask, or {@code dafter} itself if none ran. */
    private Tensor undrop(Tensor scratch, Tensor dafter, Tensor mask, long count) {
        if (!dropped) {
            return dafter;
        }
        zero(scratch);
        backend.dropoutBackward(scratch, dafter, mask, count);
        return scratch;
    }

    private Tensor zero(Tensor t) {
        backend.fill(t, 0f);
        return t;
    }
}
