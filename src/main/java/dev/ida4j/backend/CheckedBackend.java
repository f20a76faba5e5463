package dev.ida4j.backend;

import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The one place where op arguments are checked: sizes positive, tensors present, of the right type, on this
 * backend's device, open, and holding exactly the elements the sizes imply. A failure names the op, the argument
 * and both shapes, for example {@code layerNormForward: inp has shape [2048, 255] (522240 elements) but
 * (N, C) = [2048, 256] needs 524288}. A tensor of another rank than the op's (say (B, T, C) where the op reads
 * (N, C)) only needs the right element count; one of the same rank needs the same dimensions. Then it delegates to the wrapped backend, which may trust its arguments.
 */
public final class CheckedBackend implements Backend {
    private final Backend inner;

    public CheckedBackend(Backend inner) {
        this.inner = inner;
    }

    /** The unchecked backend underneath. */
    public Backend inner() {
        return inner;
    }

    // ---- memory ----

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
        device("copyIn", "dst", dst);
        long bytes = dst.numel() * dst.dtype().bytes();
        if (src.byteSize() < bytes) {
            throw new IllegalArgumentException("copyIn: host source of " + src.byteSize() + " bytes is smaller than "
                    + describe(dst) + " (" + bytes + " bytes)");
        }
        inner.copyIn(dst, src);
    }

    @Override
    public void copyOut(MemorySegment dst, Tensor src) {
        device("copyOut", "src", src);
        long bytes = src.numel() * src.dtype().bytes();
        if (dst.byteSize() < bytes) {
            throw new IllegalArgumentException("copyOut: host destination of " + dst.byteSize()
                    + " bytes is smaller than " + describe(src) + " (" + bytes + " bytes)");
        }
        inner.copyOut(dst, src);
    }

    @Override
    public void fill(Tensor t, float value) {
        f32("fill", "t", t, false, "(n)", t == null ? 0 : t.numel());
        inner.fill(t, value);
    }

    @Override
    public void synchronize() {
        inner.synchronize();
    }

    @Override
    public void close() {
        inner.close();
    }

    // ---- matrix products ----

    @Override
    public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB,
                       boolean accumulate) {
        String op = "matmul";
        sizes(op, "M, N, K", m, n, k);
        f32(op, "c", c, false, "(M, N)", m, n);
        f32(op, "a", a, false, transA ? "(K, M)" : "(M, K)", transA ? k : m, transA ? m : k);
        f32(op, "b", b, false, transB ? "(N, K)" : "(K, N)", transB ? n : k, transB ? k : n);
        distinct(op, c, "c", a, "a", b, "b");
        inner.matmul(c, a, b, m, n, k, transA, transB, accumulate);
    }

    @Override
    public void linearForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        String op = "linearForward";
        sizes(op, "N, C, OC", n, c, oc);
        f32(op, "out", out, false, "(N, OC)", n, oc);
        f32(op, "inp", inp, false, "(N, C)", n, c);
        f32(op, "weight", weight, false, "(OC, C)", oc, c);
        f32(op, "bias", bias, true, "(OC)", oc);
        distinct(op, out, "out", inp, "inp", weight, "weight");
        inner.linearForward(out, inp, weight, bias, n, c, oc);
    }

    @Override
    public void linearBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                               int n, int c, int oc) {
        String op = "linearBackward";
        sizes(op, "N, C, OC", n, c, oc);
        f32(op, "dinp", dinp, true, "(N, C)", n, c);
        f32(op, "dweight", dweight, true, "(OC, C)", oc, c);
        f32(op, "dbias", dbias, true, "(OC)", oc);
        f32(op, "dout", dout, false, "(N, OC)", n, oc);
        f32(op, "inp", inp, false, "(N, C)", n, c);
        f32(op, "weight", weight, false, "(OC, C)", oc, c);
        inner.linearBackward(dinp, dweight, dbias, dout, inp, weight, n, c, oc);
    }

    // ---- embeddings ----

    @Override
    public void embeddingForward(Tensor out, Tensor ids, Tensor wte, Tensor wpe, int b, int t, int c) {
        String op = "embeddingForward";
        sizes(op, "B, T, C", b, t, c);
        f32(op, "out", out, false, "(B, T, C)", b, t, c);
        i32(op, "ids", ids, "(B, T)", b, t);
        rows(op, "wte", wte, false, c);
        rows(op, "wpe", wpe, true, c);
        if (wpe != null && wpe.numel() / c < t) {
            throw new IllegalArgumentException(op + ": wpe " + describe(wpe) + " has fewer than T = " + t + " rows");
        }
        inner.embeddingForward(out, ids, wte, wpe, b, t, c);
    }

    @Override
    public void embeddingBackward(Tensor dwte, Tensor dwpe, Tensor dout, Tensor ids, int b, int t, int c) {
        String op = "embeddingBackward";
        sizes(op, "B, T, C", b, t, c);
        rows(op, "dwte", dwte, true, c);
        rows(op, "dwpe", dwpe, true, c);
        f32(op, "dout", dout, false, "(B, T, C)", b, t, c);
        i32(op, "ids", ids, "(B, T)", b, t);
        inner.embeddingBackward(dwte, dwpe, dout, ids, b, t, c);
    }

    // ---- normalisation ----

    @Override
    public void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias,
                                 int n, int c) {
        String op = "layerNormForward";
        sizes(op, "N, C", n, c);
        f32(op, "out", out, false, "(N, C)", n, c);
        f32(op, "mean", mean, false, "(N)", n);
        f32(op, "rstd", rstd, false, "(N)", n);
        f32(op, "inp", inp, false, "(N, C)", n, c);
        f32(op, "weight", weight, false, "(C)", c);
        f32(op, "bias", bias, false, "(C)", c);
        distinct(op, out, "out", inp, "inp", weight, "weight");
        inner.layerNormForward(out, mean, rstd, inp, weight, bias, n, c);
    }

    @Override
    public void layerNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        String op = "layerNormBackward";
        sizes(op, "N, C", n, c);
        f32(op, "dinp", dinp, true, "(N, C)", n, c);
        f32(op, "dweight", dweight, true, "(C)", c);
        f32(op, "dbias", dbias, true, "(C)", c);
        f32(op, "dout", dout, false, "(N, C)", n, c);
        f32(op, "inp", inp, false, "(N, C)", n, c);
        f32(op, "weight", weight, false, "(C)", c);
        f32(op, "mean", mean, false, "(N)", n);
        f32(op, "rstd", rstd, false, "(N)", n);
        inner.layerNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
    }

    @Override
    public void batchNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor runningMean, Tensor runningVar,
                                 Tensor inp, Tensor weight, Tensor bias, float momentum, float eps, boolean training,
                                 int n, int c) {
        String op = "batchNormForward";
        sizes(op, "N, C", n, c);
        f32(op, "out", out, false, "(N, C)", n, c);
        f32(op, "mean", mean, false, "(C)", c);
        f32(op, "rstd", rstd, false, "(C)", c);
        f32(op, "runningMean", runningMean, false, "(C)", c);
        f32(op, "runningVar", runningVar, false, "(C)", c);
        f32(op, "inp", inp, false, "(N, C)", n, c);
        f32(op, "weight", weight, false, "(C)", c);
        f32(op, "bias", bias, false, "(C)", c);
        if (!(momentum >= 0 && momentum <= 1) || !(eps > 0)) {
            throw new IllegalArgumentException(op + ": momentum " + momentum + " must be in [0, 1] and eps " + eps
                    + " positive");
        }
        if (training && n < 2) {
            throw new IllegalArgumentException(op + ": training needs N >= 2 rows for a variance, got N = " + n);
        }
        inner.batchNormForward(out, mean, rstd, runningMean, runningVar, inp, weight, bias, momentum, eps, training,
                n, c);
    }

    @Override
    public void batchNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        String op = "batchNormBackward";
        sizes(op, "N, C", n, c);
        f32(op, "dinp", dinp, true, "(N, C)", n, c);
        f32(op, "dweight", dweight, true, "(C)", c);
        f32(op, "dbias", dbias, true, "(C)", c);
        f32(op, "dout", dout, false, "(N, C)", n, c);
        f32(op, "inp", inp, false, "(N, C)", n, c);
        f32(op, "weight", weight, false, "(C)", c);
        f32(op, "mean", mean, false, "(C)", c);
        f32(op, "rstd", rstd, false, "(C)", c);
        inner.batchNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
    }

    // ---- attention ----

    @Override
    public void attentionForward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask,
                                 int b, int tq, int tk, int nh, int hs, boolean causal) {
        String op = "attentionForward";
        sizes(op, "B, Tq, Tk, NH, HS", b, tq, tk, nh, hs);
        long c = (long) nh * hs;
        f32(op, "out", out, false, "(B, Tq, C)", b, tq, c);
        f32(op, "att", att, false, "(B, NH, Tq, Tk)", b, nh, tq, tk);
        f32(op, "q", q, false, "(B, Tq, C)", b, tq, c);
        f32(op, "k", k, false, "(B, Tk, C)", b, tk, c);
        f32(op, "v", v, false, "(B, Tk, C)", b, tk, c);
        f32(op, "keyMask", keyMask, true, "(B, Tk)", b, tk);
        distinct(op, out, "out", q, "q", k, "k");
        distinct(op, out, "out", v, "v", att, "att");
        inner.attentionForward(out, att, q, k, v, keyMask, b, tq, tk, nh, hs, causal);
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v,
                                  Tensor att, int b, int tq, int tk, int nh, int hs) {
        String op = "attentionBackward";
        sizes(op, "B, Tq, Tk, NH, HS", b, tq, tk, nh, hs);
        long c = (long) nh * hs;
        f32(op, "dq", dq, true, "(B, Tq, C)", b, tq, c);
        f32(op, "dk", dk, true, "(B, Tk, C)", b, tk, c);
        f32(op, "dv", dv, true, "(B, Tk, C)", b, tk, c);
        f32(op, "dout", dout, false, "(B, Tq, C)", b, tq, c);
        f32(op, "q", q, false, "(B, Tq, C)", b, tq, c);
        f32(op, "k", k, false, "(B, Tk, C)", b, tk, c);
        f32(op, "v", v, false, "(B, Tk, C)", b, tk, c);
        f32(op, "att", att, false, "(B, NH, Tq, Tk)", b, nh, tq, tk);
        inner.attentionBackward(dq, dk, dv, dout, q, k, v, att, b, tq, tk, nh, hs);
    }

    // ---- pointwise ----

    @Override
    public void activationForward(Tensor out, Tensor inp, Activation act, long n) {
        String op = "activationForward";
        sizes(op, "n", n);
        f32(op, "out", out, false, "(n)", n);
        f32(op, "inp", inp, false, "(n)", n);
        present(op, "act", act);
        inner.activationForward(out, inp, act, n);
    }

    @Override
    public void activationBackward(Tensor dinp, Tensor dout, Tensor inp, Activation act, long n) {
        String op = "activationBackward";
        sizes(op, "n", n);
        f32(op, "dinp", dinp, false, "(n)", n);
        f32(op, "dout", dout, false, "(n)", n);
        f32(op, "inp", inp, false, "(n)", n);
        present(op, "act", act);
        inner.activationBackward(dinp, dout, inp, act, n);
    }

    @Override
    public void residualForward(Tensor out, Tensor a, Tensor b, long n) {
        String op = "residualForward";
        sizes(op, "n", n);
        f32(op, "out", out, false, "(n)", n);
        f32(op, "a", a, false, "(n)", n);
        f32(op, "b", b, false, "(n)", n);
        inner.residualForward(out, a, b, n);
    }

    @Override
    public void residualBackward(Tensor da, Tensor db, Tensor dout, long n) {
        String op = "residualBackward";
        sizes(op, "n", n);
        f32(op, "da", da, true, "(n)", n);
        f32(op, "db", db, true, "(n)", n);
        f32(op, "dout", dout, false, "(n)", n);
        inner.residualBackward(da, db, dout, n);
    }

    @Override
    public void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed, long n) {
        String op = "dropoutForward";
        sizes(op, "n", n);
        f32(op, "out", out, false, "(n)", n);
        f32(op, "mask", mask, false, "(n)", n);
        f32(op, "inp", inp, false, "(n)", n);
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(op + ": p = " + p + " must be in [0, 1)");
        }
        inner.dropoutForward(out, mask, inp, p, seed, n);
    }

    @Override
    public void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask, long n) {
        String op = "dropoutBackward";
        sizes(op, "n", n);
        f32(op, "dinp", dinp, false, "(n)", n);
        f32(op, "dout", dout, false, "(n)", n);
        f32(op, "mask", mask, false, "(n)", n);
        inner.dropoutBackward(dinp, dout, mask, n);
    }

    // ---- loss ----

    @Override
    public void crossEntropyForward(Tensor losses, Tensor probs, Tensor logits, Tensor targets, Tensor mask,
                                    int n, int v) {
        String op = "crossEntropyForward";
        sizes(op, "N, V", n, v);
        f32(op, "losses", losses, false, "(N)", n);
        f32(op, "probs", probs, false, "(N, V)", n, v);
        f32(op, "logits", logits, false, "(N, V)", n, v);
        i32(op, "targets", targets, "(N)", n);
        f32(op, "mask", mask, true, "(N)", n);
        inner.crossEntropyForward(losses, probs, logits, targets, mask, n, v);
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor dlosses, Tensor probs, Tensor targets, Tensor mask,
                                     int n, int v) {
        String op = "crossEntropyBackward";
        sizes(op, "N, V", n, v);
        f32(op, "dlogits", dlogits, false, "(N, V)", n, v);
        f32(op, "dlosses", dlosses, false, "(N)", n);
        f32(op, "probs", probs, false, "(N, V)", n, v);
        i32(op, "targets", targets, "(N)", n);
        f32(op, "mask", mask, true, "(N)", n);
        inner.crossEntropyBackward(dlogits, dlosses, probs, targets, mask, n, v);
    }

    // ---- copy/generate mixture ----

    @Override
    public void mixtureForward(Tensor logp, Tensor mix, Tensor gen, Tensor dists, Tensor genLogits, Tensor mixLogits,
                               int n, int k, int v) {
        String op = "mixtureForward";
        sizes(op, "N, K, V", n, k, v);
        f32(op, "logp", logp, false, "(N, V)", n, v);
        f32(op, "mix", mix, false, "(N, K+1)", n, k + 1);
        f32(op, "gen", gen, false, "(N, V)", n, v);
        f32(op, "dists", dists, false, "(N, K, V)", n, k, v);
        f32(op, "genLogits", genLogits, false, "(N, V)", n, v);
        f32(op, "mixLogits", mixLogits, false, "(N, K+1)", n, k + 1);
        distinct(op, logp, "logp", dists, "dists", genLogits, "genLogits");
        distinct(op, gen, "gen", dists, "dists", genLogits, "genLogits");
        distinct(op, mix, "mix", dists, "dists", mixLogits, "mixLogits");
        inner.mixtureForward(logp, mix, gen, dists, genLogits, mixLogits, n, k, v);
    }

    @Override
    public void mixtureBackward(Tensor ddists, Tensor dgenLogits, Tensor dmixLogits, Tensor dlogp, Tensor dists,
                                Tensor gen, Tensor mix, int n, int k, int v) {
        String op = "mixtureBackward";
        sizes(op, "N, K, V", n, k, v);
        f32(op, "ddists", ddists, true, "(N, K, V)", n, k, v);
        f32(op, "dgenLogits", dgenLogits, true, "(N, V)", n, v);
        f32(op, "dmixLogits", dmixLogits, true, "(N, K+1)", n, k + 1);
        f32(op, "dlogp", dlogp, false, "(N, V)", n, v);
        f32(op, "dists", dists, false, "(N, K, V)", n, k, v);
        f32(op, "gen", gen, false, "(N, V)", n, v);
        f32(op, "mix", mix, false, "(N, K+1)", n, k + 1);
        inner.mixtureBackward(ddists, dgenLogits, dmixLogits, dlogp, dists, gen, mix, n, k, v);
    }

    // ---- optimisation ----

    @Override
    public double sumSquares(Tensor x, long n) {
        sizes("sumSquares", "n", n);
        f32("sumSquares", "x", x, false, "(n)", n);
        return inner.sumSquares(x, n);
    }

    @Override
    public void adamW(Tensor params, Tensor grads, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                      float weightDecay, float gradScale, int t, long n) {
        String op = "adamW";
        sizes(op, "n", n);
        f32(op, "params", params, false, "(n)", n);
        f32(op, "grads", grads, false, "(n)", n);
        f32(op, "m", m, false, "(n)", n);
        f32(op, "v", v, false, "(n)", n);
        if (t < 1) {
            throw new IllegalArgumentException(op + ": step t = " + t + " must be >= 1");
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0 && Float.isFinite(lr))) {
            throw new IllegalArgumentException(op + ": invalid hyperparameters lr " + lr + ", beta1 " + beta1
                    + ", beta2 " + beta2 + ", eps " + eps);
        }
        inner.adamW(params, grads, m, v, lr, beta1, beta2, eps, weightDecay, gradScale, t, n);
    }

    @Override
    public void ema(Tensor ema, Tensor x, float rate, long n) {
        sizes("ema", "n", n);
        f32("ema", "ema", ema, false, "(n)", n);
        f32("ema", "x", x, false, "(n)", n);
        inner.ema(ema, x, rate, n);
    }

    // ---- checks ----

    // Fixed-arity overloads, not varargs: a check runs on every op call and must not allocate.

    private static void sizes(String op, String names, long a) {
        sizes(op, names, 1, a, 1, 1, 1, 1);
    }

    private static void sizes(String op, String names, long a, long b) {
        sizes(op, names, 2, a, b, 1, 1, 1);
    }

    private static void sizes(String op, String names, long a, long b, long c) {
        sizes(op, names, 3, a, b, c, 1, 1);
    }

    private static void sizes(String op, String names, long a, long b, long c, long d, long e) {
        sizes(op, names, 5, a, b, c, d, e);
    }

    private static void sizes(String op, String names, int count, long a, long b, long c, long d, long e) {
        if (a <= 0 || b <= 0 || c <= 0 || d <= 0 || e <= 0) {
            long[] all = Arrays.copyOf(new long[] {a, b, c, d, e}, count);
            throw new IllegalArgumentException(op + ": sizes (" + names + ") = " + Arrays.toString(all)
                    + " must all be positive");
        }
    }

    private static void present(String op, String arg, Object o) {
        if (o == null) {
            throw new IllegalArgumentException(op + ": " + arg + " is null");
        }
    }

    private void f32(String op, String arg, Tensor t, boolean optional, String dims, long d0) {
        typed(op, arg, t, optional, DType.F32, dims, 1, d0, 1, 1, 1);
    }

    private void f32(String op, String arg, Tensor t, boolean optional, String dims, long d0, long d1) {
        typed(op, arg, t, optional, DType.F32, dims, 2, d0, d1, 1, 1);
    }

    private void f32(String op, String arg, Tensor t, boolean optional, String dims, long d0, long d1, long d2) {
        typed(op, arg, t, optional, DType.F32, dims, 3, d0, d1, d2, 1);
    }

    private void f32(String op, String arg, Tensor t, boolean optional, String dims, long d0, long d1, long d2,
                     long d3) {
        typed(op, arg, t, optional, DType.F32, dims, 4, d0, d1, d2, d3);
    }

    private void i32(String op, String arg, Tensor t, String dims, long d0) {
        typed(op, arg, t, false, DType.I32, dims, 1, d0, 1, 1, 1);
    }

    private void i32(String op, String arg, Tensor t, String dims, long d0, long d1) {
        typed(op, arg, t, false, DType.I32, dims, 2, d0, d1, 1, 1);
    }

    /** Checks one tensor argument against the first {@code rank} of d0..d3. */
    private void typed(String op, String arg, Tensor t, boolean optional, DType dtype, String dims, int rank,
                       long d0, long d1, long d2, long d3) {
        if (t == null) {
            if (optional) {
                return;
            }
            throw new IllegalArgumentException(op + ": " + arg + " is null but required " + dims);
        }
        device(op, arg, t);
        if (t.dtype() != dtype) {
            throw new IllegalArgumentException(op + ": " + arg + " " + describe(t) + " must be " + dtype);
        }
        long need = Math.multiplyExact(Math.multiplyExact(d0, d1), Math.multiplyExact(d2, d3));
        boolean sameRank = t.rank() == rank;
        boolean sameDims = !sameRank || (t.dim(0) == d0 && (rank < 2 || t.dim(1) == d1)
                && (rank < 3 || t.dim(2) == d2) && (rank < 4 || t.dim(3) == d3));
        if (t.numel() != need || !sameDims) {
            long[] shape = Arrays.copyOf(new long[] {d0, d1, d2, d3}, rank);
            throw new IllegalArgumentException(op + ": " + arg + " has shape " + t.shapeString() + " (" + t.numel()
                    + " elements) but " + dims + " = " + Arrays.toString(shape) + " needs " + need);
        }
    }

    /** A table of rows of width c (embedding tables): any row count, whole rows. */
    private void rows(String op, String arg, Tensor t, boolean optional, int c) {
        if (t == null) {
            if (optional) {
                return;
            }
            throw new IllegalArgumentException(op + ": " + arg + " is null");
        }
        device(op, arg, t);
        if (t.dtype() != DType.F32 || t.numel() % c != 0 || t.numel() == 0) {
            throw new IllegalArgumentException(op + ": " + arg + " " + describe(t)
                    + " must be an F32 table of rows of width C = " + c);
        }
    }

    private void device(String op, String arg, Tensor t) {
        TensorArena arena = t.arena();
        if (!arena.isOpen()) {
            throw new IllegalStateException(op + ": tensor '" + t.name() + "' (" + arg
                    + ") used after its arena '" + arena.name() + "' was closed");
        }
        String dev = inner.name();
        if (!dev.startsWith(arena.device())) {
            throw new IllegalArgumentException(op + ": " + arg + " " + describe(t) + " lives on " + arena.device()
                    + ", not on backend " + dev);
        }
    }

    private static void distinct(String op, Tensor out, String outName, Tensor x, String xName, Tensor y,
                                 String yName) {
        if (overlaps(out, x) || overlaps(out, y)) {
            throw new IllegalArgumentException(op + ": output " + outName + " overlaps input "
                    + (overlaps(out, x) ? xName : yName));
        }
    }

    private static boolean overlaps(Tensor a, Tensor b) {
        if (a == null || b == null || a.arena() != b.arena()) {
            return false;
        }
        long a0 = a.segment().address();
        long b0 = b.segment().address();
        return a0 < b0 + b.segment().byteSize() && b0 < a0 + a.segment().byteSize();
    }

    private static String describe(Tensor t) {
        return "'" + t.name() + "' " + t.shapeString() + ":" + t.dtype();
    }
}
