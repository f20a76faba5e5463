package dev.ida4j.backend.ref;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.MemorySegment;

/**
 * The readable reference: every op as the plain loop its formula says, one thread, sums in double. Slow on
 * purpose; the fast backends are tested against it, and it passes the same contract suite. The math of each op
 * family lives in one small class beside this one.
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "cpu-reference";
    }

    @Override
    public TensorArena arena(String name) {
        return TensorArena.host(name);
    }

    @Override
    public void copyIn(Tensor dst, MemorySegment src) {
        MemorySegment d = dst.segment();
        MemorySegment.copy(src, 0, d, 0, d.byteSize());
    }

    @Override
    public void copyOut(MemorySegment dst, Tensor src) {
        MemorySegment s = src.segment();
        MemorySegment.copy(s, 0, dst, 0, s.byteSize());
    }

    @Override
    public void fill(Tensor t, float value) {
        for (long i = 0; i < t.numel(); i++) {
            t.set(i, value);
        }
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void close() {
    }

    @Override
    public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB,
                       boolean accumulate) {
        RefLinear.matmul(c, a, b, m, n, k, transA, transB, accumulate);
    }

    @Override
    public void linearForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        RefLinear.forward(out, inp, weight, bias, n, c, oc);
    }

    @Override
    public void linearBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                               int n, int c, int oc) {
        RefLinear.backward(dinp, dweight, dbias, dout, inp, weight, n, c, oc);
    }

    @Override
    public void embeddingForward(Tensor out, Tensor ids, Tensor wte, Tensor wpe, int b, int t, int c) {
        RefEmbedding.forward(out, ids, wte, wpe, b, t, c);
    }

    @Override
    public void embeddingBackward(Tensor dwte, Tensor dwpe, Tensor dout, Tensor ids, int b, int t, int c) {
        RefEmbedding.backward(dwte, dwpe, dout, ids, b, t, c);
    }

    @Override
    public void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias,
                                 int n, int c) {
        RefNorms.layerNormForward(out, mean, rstd, inp, weight, bias, n, c);
    }

    @Override
    public void layerNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        RefNorms.layerNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
    }

    @Override
    public void batchNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor runningMean, Tensor runningVar,
                                 Tensor inp, Tensor weight, Tensor bias, float momentum, float eps, boolean training,
                                 int n, int c) {
        RefNorms.batchNormForward(out, mean, rstd, runningMean, runningVar, inp, weight, bias, momentum, eps,
                training, n, c);
    }

    @Override
    public void batchNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        RefNorms.batchNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
    }

    @Override
    public void attentionForward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask,
                                 int b, int tq, int tk, int nh, int hs, boolean causal) {
        RefAttention.forward(out, att, q, k, v, keyMask, b, tq, tk, nh, hs, causal);
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v,
                                  Tensor att, int b, int tq, int tk, int nh, int hs) {
        RefAttention.backward(dq, dk, dv, dout, q, k, v, att, b, tq, tk, nh, hs);
    }

    @Override
    public void activationForward(Tensor out, Tensor inp, Activation act, long n) {
        RefPointwise.activationForward(out, inp, act, n);
    }

    @Override
    public void activationBackward(Tensor dinp, Tensor dout, Tensor inp, Activation act, long n) {
        RefPointwise.activationBackward(dinp, dout, inp, act, n);
    }

    @Override
    public void residualForward(Tensor out, Tensor a, Tensor b, long n) {
        RefPointwise.residualForward(out, a, b, n);
    }

    @Override
    public void residualBackward(Tensor da, Tensor db, Tensor dout, long n) {
        RefPointwise.residualBackward(da, db, dout, n);
    }

    @Override
    public void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed, long n) {
        RefPointwise.dropoutForward(out, mask, inp, p, seed, n);
    }

    @Override
    public void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask, long n) {
        RefPointwise.dropoutBackward(dinp, dout, mask, n);
    }

    @Override
    public void crossEntropyForward(Tensor losses, Tensor probs, Tensor logits, Tensor targets, Tensor mask,
                                    int n, int v) {
        RefCrossEntropy.forward(losses, probs, logits, targets, mask, n, v);
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor dlosses, Tensor probs, Tensor targets, Tensor mask,
                                     int n, int v) {
        RefCrossEntropy.backward(dlogits, dlosses, probs, targets, mask, n, v);
    }

    @Override
    public void mixtureForward(Tensor logp, Tensor mix, Tensor gen, Tensor dists, Tensor genLogits, Tensor mixLogits,
                               int n, int k, int v) {
        RefMixture.forward(logp, mix, gen, dists, genLogits, mixLogits, n, k, v);
    }

    @Override
    public void mixtureBackward(Tensor ddists, Tensor dgenLogits, Tensor dmixLogits, Tensor dlogp, Tensor dists,
                                Tensor gen, Tensor mix, int n, int k, int v) {
        RefMixture.backward(ddists, dgenLogits, dmixLogits, dlogp, dists, gen, mix, n, k, v);
    }

    @Override
    public double sumSquares(Tensor x, long n) {
        return RefOptimizer.sumSquares(x, n);
    }

    @Override
    public void adamW(Tensor params, Tensor grads, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                      float weightDecay, float gradScale, int t, long n) {
        RefOptimizer.adamW(params, grads, m, v, lr, beta1, beta2, eps, weightDecay, gradScale, t, n);
    }

    @Override
    public void ema(Tensor ema, Tensor x, float rate, long n) {
        RefOptimizer.ema(ema, x, rate, n);
    }
}
