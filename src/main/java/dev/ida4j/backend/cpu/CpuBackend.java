package dev.ida4j.backend.cpu;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The fast CPU backend: Vector API kernels (512-bit where the CPU has it), a packed blocked GEMM, and one
 * persistent {@link ThreadPool} over the requested cores. Each op family lives in its own kernel class; this class
 * only routes. Kernel objects keep their per-call arguments in fields, so a call allocates nothing.
 */
public final class CpuBackend implements Backend {
    private final ThreadPool pool;
    private final Arena scratch = Arena.ofShared(); // kernels' pack buffers and scratch, freed by close()
    private final Gemm gemm;
    private final Embedding embedding;
    private final LayerNorm layerNorm;
    private final BatchNorm batchNorm;
    private final Attention attention;
    private final Pointwise pointwise;
    private final CrossEntropy crossEntropy;
    private final Mixture mixture;
    private final Optimizer optimizer;

    /** A backend using {@code threads} threads (the caller plus {@code threads - 1} workers). */
    public CpuBackend(int threads) {
        this.pool = new ThreadPool(threads);
        this.gemm = new Gemm(pool, scratch);
        this.embedding = new Embedding(pool);
        this.layerNorm = new LayerNorm(pool);
        this.batchNorm = new BatchNorm(pool);
        this.attention = new Attention(pool, scratch);
        this.pointwise = new Pointwise(pool, scratch);
        this.crossEntropy = new CrossEntropy(pool, scratch);
        this.mixture = new Mixture(pool);
        this.optimizer = new Optimizer(pool);
    }

    /** A backend over all available processors. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return pool.threads();
    }

    // ---- memory ----

    @Override
    public String name() {
        return "cpu";
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
        pointwise.fill(t, value);
    }

    @Override
    public void synchronize() {
        // every call returns when its work is done
    }

    @Override
    public void close() {
        pool.close();
        scratch.close();
    }

    // ---- matrix products ----

    @Override
    public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB,
                       boolean accumulate) {
        gemm.matmul(c, a, b, m, n, k, transA, transB, accumulate);
    }

    @Override
    public void linearForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        gemm.linearForward(out, inp, weight, bias, n, c, oc);
    }

    @Override
    public void linearBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                               int n, int c, int oc) {
        gemm.linearBackward(dinp, dweight, dbias, dout, inp, weight, n, c, oc);
    }

    // ---- embeddings ----

    @Override
    public void embeddingForward(Tensor out, Tensor ids, Tensor wte, Tensor wpe, int b, int t, int c) {
        embedding.forward(out, ids, wte, wpe, b, t, c);
    }

    @Override
    public void embeddingBackward(Tensor dwte, Tensor dwpe, Tensor dout, Tensor ids, int b, int t, int c) {
        embedding.backward(dwte, dwpe, dout, ids, b, t, c);
    }

    // ---- normalisation ----

    @Override
    public void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias,
                                 int n, int c) {
        layerNorm.forward(out, mean, rstd, inp, weight, bias, n, c);
    }

    @Override
    public void layerNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        layerNorm.backward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
    }

    @Override
    public void batchNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor runningMean, Tensor runningVar,
                                 Tensor inp, Tensor weight, Tensor bias, float momentum, float eps, boolean training,
                                 int n, int c) {
        batchNorm.forward(out, mean, rstd, runningMean, runningVar, inp, weight, bias, momentum, eps, training,
                n, c);
    }

    @Override
    public void batchNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        batchNorm.backward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
    }

    // ---- attention ----

    @Override
    public void attentionForward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask,
                                 int b, int tq, int tk, int nh, int hs, boolean causal) {
        attention.forward(out, att, q, k, v, keyMask, b, tq, tk, nh, hs, causal);
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v,
                                  Tensor att, int b, int tq, int tk, int nh, int hs) {
        attention.backward(dq, dk, dv, dout, q, k, v, att, b, tq, tk, nh, hs);
    }

    // ---- pointwise ----

    @Override
    public void activationForward(Tensor out, Tensor inp, Activation act, long n) {
        pointwise.activationForward(out, inp, act, n);
    }

    @Override
    public void activationBackward(Tensor dinp, Tensor dout, Tensor inp, Activation act, long n) {
        pointwise.activationBackward(dinp, dout, inp, act, n);
    }

    @Override
    public void residualForward(Tensor out, Tensor a, Tensor b, long n) {
        pointwise.residualForward(out, a, b, n);
    }

    @Override
    public void residualBackward(Tensor da, Tensor db, Tensor dout, long n) {
        pointwise.residualBackward(da, db, dout, n);
    }

    @Override
    public void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed, long n) {
        pointwise.dropoutForward(out, mask, inp, p, seed, n);
    }

    @Override
    public void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask, long n) {
        pointwise.dropoutBackward(dinp, dout, mask, n);
    }

    // ---- loss ----

    @Override
    public void crossEntropyForward(Tensor losses, Tensor probs, Tensor logits, Tensor targets, Tensor mask,
                                    int n, int v) {
        crossEntropy.forward(losses, probs, logits, targets, mask, n, v);
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor dlosses, Tensor probs, Tensor targets, Tensor mask,
                                     int n, int v) {
        crossEntropy.backward(dlogits, dlosses, probs, targets, mask, n, v);
    }

    // ---- copy/generate mixture ----

    @Override
    public void mixtureForward(Tensor logp, Tensor mix, Tensor gen, Tensor dists, Tensor genLogits, Tensor mixLogits,
                               int n, int k, int v) {
        mixture.forward(logp, mix, gen, dists, genLogits, mixLogits, n, k, v);
    }

    @Override
    public void mixtureBackward(Tensor ddists, Tensor dgenLogits, Tensor dmixLogits, Tensor dlogp, Tensor dists,
                                Tensor gen, Tensor mix, int n, int k, int v) {
        mixture.backward(ddists, dgenLogits, dmixLogits, dlogp, dists, gen, mix, n, k, v);
    }

    // ---- optimisation ----

    @Override
    public double sumSquares(Tensor x, long n) {
        return optimizer.sumSquares(x, n);
    }

    @Override
    public void adamW(Tensor params, Tensor grads, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                      float weightDecay, float gradScale, int t, long n) {
        optimizer.adamW(params, grads, m, v, lr, beta1, beta2, eps, weightDecay, gradScale, t, n);
    }

    @Override
    public void ema(Tensor ema, Tensor x, float rate, long n) {
        optimizer.ema(ema, x, rate, n);
    }
}
