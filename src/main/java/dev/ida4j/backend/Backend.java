package dev.ida4j.backend;

import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.MemorySegment;

/**
 * The boundary between the models and the hardware: memory, plus forward/backward pairs of every op the models
 * need. Every backend (the fast CPU one, the plain reference one, CUDA) implements exactly this and passes the
 * same contract suite.
 *
 * <p>Conventions (llm.c's): arguments are outputs first, then inputs, then sizes. All tensors are F32 except
 * token ids and targets (I32). <b>Every backward op accumulates</b> ({@code +=}) into its gradient outputs, so the
 * caller zeroes gradients once per step (one {@link #fill}); a gradient output passed as {@code null} is skipped.
 * Shapes are checked once, in {@link CheckedBackend}; implementations may assume sizes match.
 *
 * <p>Dimension letters: B batch, T sequence length (Tq queries, Tk keys), C channels, OC output channels,
 * NH heads, HS head size (C = NH·HS), V vocabulary, N rows (N = B·T where a row-wise op does not care).
 *
 * <p>A backend is used by one thread at a time (it may use many threads inside each call).
 */
public interface Backend extends AutoCloseable {

    // ---- memory ------------------------------------------------------------------------------------------------

    /** Short name, for example "cpu" or "cuda:0". */
    String name();

    /** A new arena whose tensors live on this backend's device. */
    TensorArena arena(String name);

    /** Copies {@code dst.numel()} elements from host memory into {@code dst}. */
    void copyIn(Tensor dst, MemorySegment src);

    /** Copies all of {@code src} into host memory. */
    void copyOut(MemorySegment dst, Tensor src);

    /** Sets every element of an F32 tensor to {@code value} (zeroing all gradients is one call). */
    void fill(Tensor t, float value);

    /** Waits until all work issued so far has finished (a no-op on synchronous backends). */
    void synchronize();

    @Override
    void close();

    // ---- matrix products ---------------------------------------------------------------------------------------

    /**
     * c(M,N) = [c +] op(a)·op(b), where op(a) is (M,K) stored as a(M,K), or as a(K,M) when {@code transA};
     * op(b) is (K,N) stored as b(K,N), or as b(N,K) when {@code transB}. Row-major throughout.
     */
    void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB, boolean accumulate);

    /** out(N,OC) = inp(N,C)·weight(OC,C)ᵀ + bias(OC). {@code bias} may be null. */
    void linearForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc);

    /** dinp(N,C) += dout·weight; dweight(OC,C) += doutᵀ·inp; dbias(OC) += Σ_rows dout. */
    void linearBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                        int n, int c, int oc);

    // ---- embeddings --------------------------------------------------------------------------------------------

    /** out(B,T,C) = wte[ids(B,T)] + wpe[t]; {@code wpe(T',C)} with T' ≥ T may be null (no positions). */
    void embeddingForward(Tensor out, Tensor ids, Tensor wte, Tensor wpe, int b, int t, int c);

    /** dwte[ids] += dout; dwpe[t] += Σ_b dout. */
    void embeddingBackward(Tensor dwte, Tensor dwpe, Tensor dout, Tensor ids, int b, int t, int c);

    // ---- normalisation -----------------------------------------------------------------------------------------

    /**
     * LayerNorm over the last dimension, eps 1e-5: out(N,C) = (inp - mean)·rstd·weight + bias, saving
     * mean(N) and rstd(N) for the backward pass.
     */
    void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias, int n, int c);

    void layerNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                           Tensor mean, Tensor rstd, int n, int c);

    /**
     * BatchNorm over the rows: per channel, statistics of inp(N,C) across N. Training: normalises with the batch
     * mean and biased variance, saves mean(C), rstd(C), and updates running stats with
     * {@code running = (1-momentum)·running + momentum·batch} (unbiased variance, as PyTorch). Inference: normalises
     * with the running statistics and writes mean/rstd from them.
     */
    void batchNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor runningMean, Tensor runningVar,
                          Tensor inp, Tensor weight, Tensor bias, float momentum, float eps, boolean training,
                          int n, int c);

    /** Backward of training-mode BatchNorm (the batch statistics depend on the input). */
    void batchNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                           Tensor mean, Tensor rstd, int n, int c);

    // ---- attention ---------------------------------------------------------------------------------------------

    /**
     * Multi-head scaled dot-product attention. q(B,Tq,C), k(B,Tk,C), v(B,Tk,C), C = NH·HS; out(B,Tq,C);
     * att(B,NH,Tq,Tk) receives the probabilities for the backward pass. {@code keyMask(B,Tk)} (1 keep, 0 drop) may
     * be null. {@code causal}: query i sees keys j ≤ i + (Tk - Tq). A query that sees no key outputs zeros.
     */
    void attentionForward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask,
                          int b, int tq, int tk, int nh, int hs, boolean causal);

    void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v, Tensor att,
                           int b, int tq, int tk, int nh, int hs);

    // ---- pointwise ---------------------------------------------------------------------------------------------

    void activationForward(Tensor out, Tensor inp, Activation act, long n);

    void activationBackward(Tensor dinp, Tensor dout, Tensor inp, Activation act, long n);

    /** out = a + b. */
    void residualForward(Tensor out, Tensor a, Tensor b, long n);

    /** da += dout; db += dout. */
    void residualBackward(Tensor da, Tensor db, Tensor dout, long n);

    /**
     * Inverted dropout: mask(n) = 0 with probability p, else 1/(1-p); out = inp·mask. The mask depends only on
     * (seed, element index), never on thread count or backend.
     */
    void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed, long n);

    void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask, long n);

    // ---- loss --------------------------------------------------------------------------------------------------

    /**
     * Fused softmax + cross-entropy: probs(N,V) = softmax(logits(N,V)); losses(N) = -log probs[targets] · mask.
     * {@code mask(N)} may be null (all ones).
     */
    void crossEntropyForward(Tensor losses, Tensor probs, Tensor logits, Tensor targets, Tensor mask, int n, int v);

    /** dlogits(N,V) += dlosses(N)·mask·(probs - onehot(targets)). */
    void crossEntropyBackward(Tensor dlogits, Tensor dlosses, Tensor probs, Tensor targets, Tensor mask, int n, int v);

    // ---- copy/generate mixture ---------------------------------------------------------------------------------

    /**
     * The floor under a mixture probability before its log: log(0) = -inf (a token no component can produce) would
     * make the loss infinite and its gradient NaN; log(1e-30) ≈ -69 keeps both finite, and 1/floor fits in a float.
     */
    float MIXTURE_FLOOR = 1e-30f;

    /**
     * A pointer-generator output: gen(N,V) = softmax(genLogits(N,V)); mix(N,K+1) = softmax(mixLogits(N,K+1));
     * p(N,V) = Σ_{k<K} mix_k·dists_k + mix_K·gen, with {@code dists(N,K,V)} K given probability distributions (copy
     * distributions from attention, rows may also sum to less than 1, e.g. all zeros when nothing can be copied);
     * logp = log(max(p, {@link #MIXTURE_FLOOR})). gen and mix are saved for the backward pass. Since softmax(logp)
     * = p/Σp, logp can be fed to {@link #crossEntropyForward} as logits: exact loss and sampling probabilities.
     */
    void mixtureForward(Tensor logp, Tensor mix, Tensor gen, Tensor dists, Tensor genLogits, Tensor mixLogits,
                        int n, int k, int v);

    /**
     * Accumulates, with dp = dlogp/p where p is above the floor (0 where the floor binds, the max's derivative):
     * ddists(N,K,V) += mix_k·dp; dgenLogits(N,V) += softmax-backward of mix_K·dp;
     * dmixLogits(N,K+1) += softmax-backward of (Σ_v dists_k·dp, Σ_v gen·dp). Any gradient output may be null.
     */
    void mixtureBackward(Tensor ddists, Tensor dgenLogits, Tensor dmixLogits, Tensor dlogp, Tensor dists, Tensor gen,
                         Tensor mix, int n, int k, int v);

    // ---- optimisation ------------------------------------------------------------------------------------------

    /** Σ x² over a flat tensor, accumulated in double (the global gradient norm is its square root). */
    double sumSquares(Tensor x, long n);

    /**
     * One AdamW step over flat tensors (decoupled weight decay; Adam when {@code weightDecay} is 0). The gradient is
     * multiplied by {@code gradScale} first (global-norm clipping); {@code t} is the 1-based step for bias correction.
     */
    void adamW(Tensor params, Tensor grads, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
               float weightDecay, float gradScale, int t, long n);

    /** Exponential moving average: ema += rate·(x - ema). */
    void ema(Tensor ema, Tensor x, float rate, long n);
}
