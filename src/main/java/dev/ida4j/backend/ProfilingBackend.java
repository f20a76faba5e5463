package dev.ida4j.backend;

import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

/**
 * A decorator that times every op of the backend it wraps (synchronizing after each, so device time is counted
 * where it is spent) and reports time per op, for {@code ida4j bench step --profile}. Counters are plain arrays
 * indexed by op, so timing allocates nothing. Not for production runs: the synchronizations serialize the device.
 */
public final class ProfilingBackend implements Backend {
    private enum Op {
        FILL, MATMUL, LINEAR_FORWARD, LINEAR_BACKWARD, EMBEDDING_FORWARD, EMBEDDING_BACKWARD, LAYER_NORM_FORWARD,
        LAYER_NORM_BACKWARD, BATCH_NORM_FORWARD, BATCH_NORM_BACKWARD, ATTENTION_FORWARD, ATTENTION_BACKWARD,
        ACTIVATION_FORWARD, ACTIVATION_BACKWARD, RESIDUAL_FORWARD, RESIDUAL_BACKWARD, DROPOUT_FORWARD,
        DROPOUT_BACKWARD, CROSS_ENTROPY_FORWARD, CROSS_ENTROPY_BACKWARD, MIXTURE_FORWARD, MIXTURE_BACKWARD,
        SUM_SQUARES, ADAM_W, EMA
    }

    private final Backend inner;
    private final long[] nanos = new long[Op.values().length];
    private final long[] calls = new long[Op.values().length];

    public ProfilingBackend(Backend inner) {
        this.inner = inner;
    }

    /** Forgets all measurements (after warm-up, say). */
    public void reset() {
        Arrays.fill(nanos, 0);
        Arrays.fill(calls, 0);
    }

    /** One line per op that ran, slowest first: total ms, share, calls. */
    public String report() {
        long total = Arrays.stream(nanos).sum();
        StringBuilder sb = new StringBuilder();
        Op[] ops = Op.values().clone();
        Arrays.sort(ops, Comparator.comparingLong((Op o) -> nanos[o.ordinal()]).reversed());
        for (Op o : ops) {
            int i = o.ordinal();
            if (calls[i] > 0) {
                sb.append(String.format(Locale.ROOT, "%-22s %10.2f ms %6.1f %% %8d calls%n",
                        o.name().toLowerCase(Locale.ROOT), nanos[i] / 1e6, 100.0 * nanos[i] / Math.max(total, 1),
                        calls[i]));
            }
        }
        return sb.append(String.format(Locale.ROOT, "%-22s %10.2f ms%n", "total", total / 1e6)).toString();
    }

    private long start() {
        return System.nanoTime();
    }

    private void stop(Op op, long t0) {
        inner.synchronize();
        nanos[op.ordinal()] += System.nanoTime() - t0;
        calls[op.ordinal()]++;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public TensorArena arena(String name) {
        return inner.arena(name);
    }

    @Override
    public void copyIn(Tensor dst, MemorySegment src) {
        inner.copyIn(dst, src);
    }

    @Override
    public void copyOut(MemorySegment dst, Tensor src) {
        inner.copyOut(dst, src);
    }

    @Override
    public void fill(Tensor t, float value) {
        long t0 = start();
        inner.fill(t, value);
        stop(Op.FILL, t0);
    }

    @Override
    public void synchronize() {
        inner.synchronize();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB,
                       boolean accumulate) {
        long t0 = start();
        inner.matmul(c, a, b, m, n, k, transA, transB, accumulate);
        stop(Op.MATMUL, t0);
    }

    @Override
    public void linearForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        long t0 = start();
        inner.linearForward(out, inp, weight, bias, n, c, oc);
        stop(Op.LINEAR_FORWARD, t0);
    }

    @Override
    public void linearBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                               int n, int c, int oc) {
        long t0 = start();
        inner.linearBackward(dinp, dweight, dbias, dout, inp, weight, n, c, oc);
        stop(Op.LINEAR_BACKWARD, t0);
    }

    @Override
    public void embeddingForward(Tensor out, Tensor ids, Tensor wte, Tensor wpe, int b, int t, int c) {
        long t0 = start();
        inner.embeddingForward(out, ids, wte, wpe, b, t, c);
        stop(Op.EMBEDDING_FORWARD, t0);
    }

    @Override
    public void embeddingBackward(Tensor dwte, Tensor dwpe, Tensor dout, Tensor ids, int b, int t, int c) {
        long t0 = start();
        inner.embeddingBackward(dwte, dwpe, dout, ids, b, t, c);
        stop(Op.EMBEDDING_BACKWARD, t0);
    }

    @Override
    public void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias, int n,
                                 int c) {
        long t0 = start();
        inner.layerNormForward(out, mean, rstd, inp, weight, bias, n, c);
        stop(Op.LAYER_NORM_FORWARD, t0);
    }

    @Override
    public void layerNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        long t0 = start();
        inner.layerNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
        stop(Op.LAYER_NORM_BACKWARD, t0);
    }

    @Override
    public void batchNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor runningMean, Tensor runningVar,
                                 Tensor inp, Tensor weight, Tensor bias, float momentum, float eps, boolean training,
                                 int n, int c) {
        long t0 = start();
        inner.batchNormForward(out, mean, rstd, runningMean, runningVar, inp, weight, bias, momentum, eps, training,
            n, c);
        stop(Op.BATCH_NORM_FORWARD, t0);
    }

    @Override
    public void batchNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        long t0 = start();
        inner.batchNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
        stop(Op.BATCH_NORM_BACKWARD, t0);
    }

    @Override
    public void attentionForward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask, int b, int tq,
                                 int tk, int nh, int hs, boolean causal) {
        long t0 = start();
        inner.attentionForward(out, att, q, k, v, keyMask, b, tq, tk, nh, hs, causal);
        stop(Op.ATTENTION_FORWARD, t0);
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v,
                                  Tensor att, int b, int tq, int tk, int nh, int hs) {
        long t0 = start();
        inner.attentionBackward(dq, dk, dv, dout, q, k, v, att, b, tq, tk, nh, hs);
        stop(Op.ATTENTION_BACKWARD, t0);
    }

    @Override
    public void activationForward(Tensor out, Tensor inp, Activation act, long n) {
        long t0 = start();
        inner.activationForward(out, inp, act, n);
        stop(Op.ACTIVATION_FORWARD, t0);
    }

    @Override
    public void activationBackward(Tensor dinp, Tensor dout, Tensor inp, Activation act, long n) {
        long t0 = start();
        inner.activationBackward(dinp, dout, inp, act, n);
        stop(Op.ACTIVATION_BACKWARD, t0);
    }

    @Override
    public void residualForward(Tensor out, Tensor a, Tensor b, long n) {
        long t0 = start();
        inner.residualForward(out, a, b, n);
        stop(Op.RESIDUAL_FORWARD, t0);
    }

    @Override
    public void residualBackward(Tensor da, Tensor db, Tensor dout, long n) {
        long t0 = start();
        inner.residualBackward(da, db, dout, n);
        stop(Op.RESIDUAL_BACKWARD, t0);
    }

    @Override
    public void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed, long n) {
        long t0 = start();
        inner.dropoutForward(out, mask, inp, p, seed, n);
        stop(Op.DROPOUT_FORWARD, t0);
    }

    @Override
    public void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask, long n) {
        long t0 = start();
        inner.dropoutBackward(dinp, dout, mask, n);
        stop(Op.DROPOUT_BACKWARD, t0);
    }

    @Override
    public void crossEntropyForward(Tensor losses, Tensor probs, Tensor logits, Tensor targets, Tensor mask, int n,
                                    int v) {
        long t0 = start();
        inner.crossEntropyForward(losses, probs, logits, targets, mask, n, v);
        stop(Op.CROSS_ENTROPY_FORWARD, t0);
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor dlosses, Tensor probs, Tensor targets, Tensor mask,
                                     int n, int v) {
        long t0 = start();
        inner.crossEntropyBackward(dlogits, dlosses, probs, targets, mask, n, v);
        stop(Op.CROSS_ENTROPY_BACKWARD, t0);
    }

    @Override
    public void mixtureForward(Tensor logp, Tensor mix, Tensor gen, Tensor dists, Tensor genLogits, Tensor mixLogits,
                               int n, int k, int v) {
        long t0 = start();
        inner.mixtureForward(logp, mix, gen, dists, genLogits, mixLogits, n, k, v);
        stop(Op.MIXTURE_FORWARD, t0);
    }

    @Override
    public void mixtureBackward(Tensor ddists, Tensor dgenLogits, Tensor dmixLogits, Tensor dlogp, Tensor dists,
                                Tensor gen, Tensor mix, int n, int k, int v) {
        long t0 = start();
        inner.mixtureBackward(ddists, dgenLogits, dmixLogits, dlogp, dists, gen, mix, n, k, v);
        stop(Op.MIXTURE_BACKWARD, t0);
    }

    @Override
    public double sumSquares(Tensor x, long n) {
        long t0 = start();
        double r = inner.sumSquares(x, n);
        stop(Op.SUM_SQUARES, t0);
        return r;
    }

    @Override
    public void adamW(Tensor params, Tensor grads, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                      float weightDecay, float gradScale, int t, long n) {
        long t0 = start();
        inner.adamW(params, grads, m, v, lr, beta1, beta2, eps, weightDecay, gradScale, t, n);
        stop(Op.ADAM_W, t0);
    }

    @Override
    public void ema(Tensor ema, Tensor x, float rate, long n) {
        long t0 = start();
        inner.ema(ema, x, rate, n);
        stop(Op.EMA, t0);
    }
}
