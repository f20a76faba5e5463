package dev.ida4j.backend.cuda;

import dev.ida4j.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Multi-head attention as cuBLAS strided-batched GEMMs over the B·NH heads plus the kernels of
 * {@code native/attention.cu}: q, k, v are first copied head-major, (B,T,NH,HS) -> (B,NH,T,HS), so that each head's
 * matrix is contiguous and one batched GEMM covers all heads. The probabilities live in the caller's att tensor;
 * the head-major copies and the score gradients live in the {@link Workspace}.
 */
final class Attention {
    private final Kernels kernels;
    private final Gemm gemm;
    private final Workspace workspace;

    Attention(Kernels kernels, Gemm gemm, Workspace workspace) {
        this.kernels = kernels;
        this.gemm = gemm;
        this.workspace = workspace;
    }

    // q(B,Tq,C), k, v(B,Tk,C) -> att(B,NH,Tq,Tk), out(B,Tq,C)
    void forward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask, int b, int tq, int tk, int nh,
                 int hs, boolean causal) {
        long qSize = (long) b * tq * nh * hs;
        long kSize = (long) b * tk * nh * hs;
        MemorySegment base = workspace.floats(2 * qSize + 2 * kSize);
        MemorySegment qp = slice(base, 0, qSize);
        MemorySegment kp = slice(base, qSize, kSize);
        MemorySegment vp = slice(base, qSize + kSize, kSize);
        MemorySegment op = slice(base, qSize + 2 * kSize, qSize);
        permute(qp, q.segment(), b, tq, nh, hs);
        permute(kp, k.segment(), b, tk, nh, hs);
        permute(vp, v.segment(), b, tk, nh, hs);
        int heads = b * nh;
        long scores = (long) tq * tk;
        // scores(Tq,Tk) = qp(Tq,HS)·kp(Tk,HS)ᵀ/√HS per head, written into att, then the masked softmax in place
        gemm.multiplyBatched(att.segment(), qp, kp, tq, tk, hs, false, true, (float) (1 / Math.sqrt(hs)), false,
                heads, (long) tq * hs, (long) tk * hs, scores);
        kernels.args(Kernel.ATTENTION_SOFTMAX_FORWARD).ptr(att).ptr(keyMask).i32(b).i32(nh).i32(tq).i32(tk)
                .i32(causal ? 1 : 0).launchWarpRows((long) heads * tq);
        // op(Tq,HS) = att(Tq,Tk)·vp(Tk,HS) per head, then back to (B,Tq,C)
        gemm.multiplyBatched(op, att.segment(), vp, tq, hs, tk, false, false, 1f, false, heads, scores,
                (long) tk * hs, (long) tq * hs);
        unpermute(out.segment(), op, b, tq, nh, hs, false);
    }

    // datt = dout·vᵀ; dscores = att ⊙ (datt - Σ att·datt); dq += dscores·k/√HS; dk += dscoresᵀ·q/√HS; dv += attᵀ·dout
    void backward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v, Tensor att, int b,
                  int tq, int tk, int nh, int hs) {
        long qSize = (long) b * tq * nh * hs;
        long kSize = (long) b * tk * nh * hs;
        int heads = b * nh;
        long scores = (long) tq * tk;
        MemorySegment base = workspace.floats(3 * qSize + 4 * kSize + heads * scores);
        MemorySegment qp = slice(base, 0, qSize);
        MemorySegment kp = slice(base, qSize, kSize);
        MemorySegment vp = slice(base, qSize + kSize, kSize);
        MemorySegment dop = slice(base, qSize + 2 * kSize, qSize);
        MemorySegment dqp = slice(base, 2 * qSize + 2 * kSize, qSize);
        MemorySegment dkp = slice(base, 3 * qSize + 2 * kSize, kSize);
        MemorySegment dvp = slice(base, 3 * qSize + 3 * kSize, kSize);
        MemorySegment datt = slice(base, 3 * qSize + 4 * kSize, heads * scores);
        permute(qp, q.segment(), b, tq, nh, hs);
        permute(kp, k.segment(), b, tk, nh, hs);
        permute(vp, v.segment(), b, tk, nh, hs);
        permute(dop, dout.segment(), b, tq, nh, hs);
        float scale = (float) (1 / Math.sqrt(hs));
        long qStride = (long) tq * hs;
        long kStride = (long) tk * hs;
        // datt(Tq,Tk) = dop(Tq,HS)·vp(Tk,HS)ᵀ, then the softmax backward in place
        gemm.multiplyBatched(datt, dop, vp, tq, tk, hs, false, true, 1f, false, heads, qStride, kStride, scores);
        kernels.args(Kernel.ATTENTION_SOFTMAX_BACKWARD).ptr(datt).ptr(att).i64((long) heads * tq).i32(tk)
                .launchWarpRows((long) heads * tq);
        if (dq != null) {
            // dqp(Tq,HS) = dscores(Tq,Tk)·kp(Tk,HS)/√HS
            gemm.multiplyBatched(dqp, datt, kp, tq, hs, tk, false, false, scale, false, heads, scores, kStride,
                    qStride);
            unpermute(dq.segment(), dqp, b, tq, nh, hs, true);
        }
        if (dk != null) {
            // dkp(Tk,HS) = dscores(Tq,Tk)ᵀ·qp(Tq,HS)/√HS
            gemm.multiplyBatched(dkp, datt, qp, tk, hs, tq, true, false, scale, false, heads, scores, qStride,
                    kStride);
            unpermute(dk.segment(), dkp, b, tk, nh, hs, true);
        }
        if (dv != null) {
            // dvp(Tk,HS) = att(Tq,Tk)ᵀ·dop(Tq,HS)
            gemm.multiplyBatched(dvp, att.segment(), dop, tk, hs, tq, true, false, 1f, false, heads, scores, qStride,
                    kStride);
            unpermute(dv.segment(), dvp, b, tk, nh, hs, true);
        }
    }

    private void permute(MemorySegment dst, MemorySegment src, int b, int t, int nh, int hs) {
        kernels.args(Kernel.PERMUTE_HEADS).ptr(dst).ptr(src).i32(b).i32(t).i32(nh).i32(hs)
                .launchGridStride((long) b * t * nh * hs);
    }

    private void unpermute(MemorySegment dst, MemorySegment src, int b, int t, int nh, int hs, boolean accumulate) {
        kernels.args(Kernel.UNPERMUTE_HEADS).ptr(dst).ptr(src).i32(b).i32(t).i32(nh).i32(hs).i32(accumulate ? 1 : 0)
                .launchGridStride((long) b * t * nh * hs);
    }

    private static MemorySegment slice(MemorySegment base, long offsetFloats, long floats) {
        return base.asSlice(offsetFloats * Float.BYTES, floats * Float.BYTES);
    }
}
