package dev.ida4j.model.answerer;

import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorSet;
import java.util.Map;
import java.util.function.Function;

/**
 * Embeds a fixed-length token tuple (a fact, or a question) as one vector: the tokens' embeddings concatenated, then
 * one linear map to C, then (post-LN) BatchNorm with unit scale and learned shift. No positions: order inside the
 * tuple is kept by the concatenation, and facts form a set. The concatenation is free: an embedding of the (rows, L)
 * ids without a position table already lays the L vectors of a row side by side.
 *
 * <pre>
 *   emb = wte[ids]                 (rows, L·E)
 *   lin = emb·projᵀ (+ bias)       (rows, C)
 *   x0  = BN(lin) or lin           (rows, C)
 * </pre>
 */
final class InputEmbedding {
    private final Backend backend;
    private final AnswererConfig cfg;
    private final boolean facts;
    private final int length;
    private final Tensor ones;
    private final Tensor wte, proj, bias, dwte, dproj, dbias;
    private final Tensor runMean, runVar;
    private final String ids, emb, lin, x0, bnMean, bnRstd, gLin, gEmb;

    /** {@code facts}: rows are the b·f facts (length W); otherwise the b·q questions (length Lq). */
    InputEmbedding(Backend backend, AnswererConfig cfg, boolean facts, TensorSet params, TensorSet grads,
                   TensorSet buffers, Tensor ones) {
        this.backend = backend;
        this.cfg = cfg;
        this.facts = facts;
        this.length = facts ? cfg.factLength() : cfg.questionLength();
        this.ones = ones;
        String p = facts ? "fact." : "question.";
        String b = cfg.preLayerNorm() ? "proj.bias" : "bn.bias";
        wte = params.get(p + "wte");
        proj = params.get(p + "proj.weight");
        bias = params.get(p + b);
        dwte = grads.get(p + "wte");
        dproj = grads.get(p + "proj.weight");
        dbias = grads.get(p + b);
        runMean = cfg.preLayerNorm() ? null : buffers.get(p + "bn.running_mean");
        runVar = cfg.preLayerNorm() ? null : buffers.get(p + "bn.running_var");
        ids = p + "ids";
        emb = p + "emb";
        lin = p + "lin";
        x0 = p + "x0";
        bnMean = p + "bn.mean";
        bnRstd = p + "bn.rstd";
        gLin = p + "g.lin";
        gEmb = p + "g.emb";
    }

    static void declare(Workspace ws, AnswererConfig cfg, boolean facts) {
        String p = facts ? "fact." : "question.";
        int len = facts ? cfg.factLength() : cfg.questionLength();
        int c = cfg.channels();
        int le = len * cfg.tokenEmbedding();
        Function<Dims, Integer> rows = facts ? Dims::nf : Dims::nq;
        ws.addInt(p + "ids", d -> new int[] {rows.apply(d), len})
                .add(p + "emb", d -> new int[] {rows.apply(d), le})
                .add(p + "lin", d -> new int[] {rows.apply(d), c})
                .add(p + "g.emb", d -> new int[] {rows.apply(d), le});
        if (!cfg.preLayerNorm()) {
            ws.add(p + "x0", d -> new int[] {rows.apply(d), c})
                    .add(p + "bn.mean", d -> new int[] {c}).add(p + "bn.rstd", d -> new int[] {c})
                    .add(p + "g.lin", d -> new int[] {rows.apply(d), c});
        }
    }

    /** The token ids (rows, L), for the caller to fill. */
    Tensor ids(Map<String, Tensor> acts) {
        return acts.get(ids);
    }

    /** Embeds the ids; returns x0 (rows, C). BatchNorm as the mode says. */
    Tensor forward(Map<String, Tensor> acts, Dims d, Mode mode) {
        int rows = facts ? d.nf() : d.nq();
        int e = cfg.tokenEmbedding();
        int c = cfg.channels();
        backend.embeddingForward(acts.get(emb), acts.get(ids), wte, null, rows, length, e);
        boolean pre = cfg.preLayerNorm();
        backend.linearForward(acts.get(lin), acts.get(emb), proj, pre ? bias : null, rows, length * e, c);
        if (pre) {
            return acts.get(lin);
        }
        backend.batchNormForward(acts.get(x0), acts.get(bnMean), acts.get(bnRstd), runMean, runVar, acts.get(lin),
                ones, bias, mode.momentum(), AnswererConfig.BN_EPS, mode.batchStatistics(), rows, c);
        return acts.get(x0);
    }

    /** Accumulates the parameter gradients from dx0 (rows, C) (read only). */
    void backward(Map<String, Tensor> acts, Dims d, Tensor dx0) {
        int rows = facts ? d.nf() : d.nq();
        int e = cfg.tokenEmbedding();
        int c = cfg.channels();
        Tensor dlin = dx0;
        if (!cfg.preLayerNorm()) {
            dlin = acts.get(gLin);
            backend.fill(dlin, 0f);
            backend.batchNormBackward(dlin, null, dbias, dx0, acts.get(lin), ones, acts.get(bnMean),
                    acts.get(bnRstd), rows, c);
        }
        Tensor demb = acts.get(gEmb);
        backend.fill(demb, 0f);
        backend.linearBackward(demb, dproj, cfg.preLayerNorm() ? dbias : null, dlin, acts.get(emb), proj, rows,
                length * e, c);
        backend.embeddingBackward(dwte, null, demb, acts.get(ids), rows, length, e);
    }
}
