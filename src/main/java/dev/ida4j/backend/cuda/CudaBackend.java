package dev.ida4j.backend.cuda;

import static dev.ida4j.backend.cuda.Status.runtime;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.Backend;
import dev.ida4j.backend.DeviceUnavailableException;
import dev.ida4j.backend.DropoutRng;
import dev.ida4j.backend.MatmulPrecision;
import dev.ida4j.bindings.CudaRuntime;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CUDA backend: tensors in GPU memory, GEMMs in cuBLAS (fp32 storage; exact, TF32 or BF16 products), every
 * other op a kernel of {@code native/} launched on one stream. Calls return as soon as the work is queued; only
 * {@link #copyOut}, {@link #sumSquares}, {@link #synchronize} and the index checks of embeddings and cross-entropy
 * wait for the device (an out-of-range id is reported by name, as on the CPU, never read out of bounds).
 *
 * <p>Every CUDA, driver and cuBLAS status goes through {@link Status}; a failure is a {@link CudaException} naming
 * the call. A kernel fault is asynchronous: it surfaces at the next waiting call, as a sticky CudaException.
 */
public final class CudaBackend implements Backend {
    /** What the index check's first-bad-position word holds when no index is bad (cudaMemset byte 0x7F). */
    private static final int NONE_BAD = 0x7F7F7F7F;
    private static final long SUM_OFFSET = 8;
    private static final long PARTIALS_OFFSET = 64;

    private final CudaDevice device;
    private final Kernels kernels;
    private final Gemm gemm;
    private final Workspace workspace;
    private final Attention attention;
    private final DeviceAllocator scalarMemory;
    /** Device words: [0, 4) the index check's result, [8, 16) a sum, [64, ...) the sum's per-block partials. */
    private final MemorySegment scalars;
    private final Arena hostArena = Arena.ofShared();
    /** Page-locked host memory the small results are read back into. */
    private final MemorySegment readback;
    private boolean closed;

    private CudaBackend(CudaDevice device, MatmulPrecision precision) {
        this.device = device;
        Kernels loaded = null;
        try {
            loaded = Kernels.load(device);
            this.gemm = new Gemm(device, loaded, precision);
            this.workspace = new Workspace(device);
            this.scalarMemory = new DeviceAllocator(device);
            this.scalars = scalarMemory.allocate(PARTIALS_OFFSET + 8L * Kernels.SUM_BLOCKS);
            MemorySegment ptr = hostArena.allocate(ValueLayout.ADDRESS);
            runtime(CudaRuntime.cudaMallocHost(ptr, 64), "cudaMallocHost");
            this.readback = ptr.get(ValueLayout.ADDRESS, 0).reinterpret(64);
        } catch (RuntimeException e) {
            if (loaded != null) {
                loaded.close();
            }
            device.close();
            throw e;
        }
        this.kernels = loaded;
        this.attention = new Attention(kernels, gemm, workspace);
    }

    /**
     * Opens GPU {@code ordinal}, its matrix products at {@code precision}.
     *
     * @throws DeviceUnavailableException in one line when there is no GPU, no driver, or a library is missing
     */
    public static CudaBackend open(int ordinal, MatmulPrecision precision) {
        return new CudaBackend(CudaDevice.open(ordinal, CudaLibraries.fromEnvironment()), precision);
    }

    /** Null when a CUDA device can be used here, else why not (for tests that skip, and for messages). */
    public static String unavailableReason() {
        CudaDevice.Probe probe = CudaDevice.probe(CudaLibraries.fromEnvironment());
        return probe.available() ? null : probe.problem();
    }

    /** The GPU's name, compute capability and SM count. */
    public String describe() {
        return device.describe();
    }

    // ---- memory ----

    @Override
    public String name() {
        return "cuda:" + device.ordinal();
    }

    @Override
    public TensorArena arena(String name) {
        return new TensorArena(name, new DeviceAllocator(device));
    }

    @Override
    public void copyIn(Tensor dst, MemorySegment src) {
        device.bind();
        long bytes = dst.numel() * dst.dtype().bytes();
        if (!src.isNative()) {
            // the linker passes only native memory to C; a heap array goes through a temporary copy
            try (Arena arena = Arena.ofConfined()) {
                copyIn(dst, arena.allocate(bytes, 64).copyFrom(src.asSlice(0, bytes)));
                return;
            }
        }
        // from pageable memory the call returns once the source has been staged, so the caller may reuse it
        runtime(CudaRuntime.cudaMemcpyAsync(dst.segment(), src, bytes, CudaRuntime.cudaMemcpyHostToDevice(),
                device.stream()), "cudaMemcpyAsync(host to device, " + bytes + " bytes)");
    }

    @Override
    public void copyOut(MemorySegment dst, Tensor src) {
        device.bind();
        long bytes = src.numel() * src.dtype().bytes();
        if (!dst.isNative()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment staging = arena.allocate(bytes, 64);
                copyOut(staging, src);
                dst.asSlice(0, bytes).copyFrom(staging);
                return;
            }
        }
        runtime(CudaRuntime.cudaMemcpyAsync(dst, src.segment(), bytes, CudaRuntime.cudaMemcpyDeviceToHost(),
                device.stream()), "cudaMemcpyAsync(device to host, " + bytes + " bytes)");
        device.synchronize();
    }

    @Override
    public void fill(Tensor t, float value) {
        device.bind();
        kernels.args(Kernel.FILL).ptr(t).f32(value).i64(t.numel()).launchGridStride(t.numel());
    }

    @Override
    public void synchronize() {
        device.synchronize();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.bind();
        try (device; kernels; gemm; workspace; scalarMemory) {
            runtime(CudaRuntime.cudaFreeHost(readback), "cudaFreeHost");
            hostArena.close();
        }
    }

    // ---- matrix products ----

    @Override
    public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB,
                       boolean accumulate) {
        device.bind();
        gemm.multiply(c.segment(), a.segment(), b.segment(), m, n, k, transA, transB, 1f, accumulate);
    }

    // out(N,OC) = inp(N,C)·weight(OC,C)ᵀ + bias(OC)
    @Override
    public void linearForward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
        device.bind();
        gemm.multiply(out.segment(), inp.segment(), weight.segment(), n, oc, c, false, true, 1f, false);
        if (bias != null) {
            kernels.args(Kernel.BIAS_ADD).ptr(out).ptr(bias).i64(n).i32(oc).launchGridStride((long) n * oc);
        }
    }

    // dinp(N,C) += dout(N,OC)·weight(OC,C); dweight(OC,C) += doutᵀ·inp(N,C); dbias(OC) += Σ_rows dout
    @Override
    public void linearBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                               int n, int c, int oc) {
        device.bind();
        if (dinp != null) {
            gemm.multiply(dinp.segment(), dout.segment(), weight.segment(), n, c, oc, false, false, 1f, true);
        }
        if (dweight != null) {
            gemm.multiply(dweight.segment(), dout.segment(), inp.segment(), oc, c, n, true, false, 1f, true,
                    dinp != null);
        }
        if (dbias != null) {
            columnSum(dbias, dout, n, oc);
        }
    }

    // dst(cols) += Σ_rows src(rows, cols)
    private void columnSum(Tensor dst, Tensor src, int rows, long cols) {
        kernels.args(Kernel.COLUMN_SUM_ACCUMULATE).ptr(dst).ptr(src).i32(rows).i64(cols).launchColumns(cols);
    }

    // ---- embeddings ----

    // out(B,T,C) = wte[ids(B,T)] + wpe[t]
    @Override
    public void embeddingForward(Tensor out, Tensor ids, Tensor wte, Tensor wpe, int b, int t, int c) {
        device.bind();
        checkIds("embeddingForward", ids, wte.numel() / c, t);
        long n = (long) b * t * c;
        kernels.args(Kernel.EMBEDDING_FORWARD).ptr(out).ptr(ids).ptr(wte).ptr(wpe).i32(t).i32(c).i64(n)
                .launchGridStride(n);
    }

    // dwte[ids] += dout(B,T,C); dwpe[t] += Σ_b dout[b,t]
    @Override
    public void embeddingBackward(Tensor dwte, Tensor dwpe, Tensor dout, Tensor ids, int b, int t, int c) {
        device.bind();
        long n = (long) b * t * c;
        if (dwte != null) {
            checkIds("embeddingBackward", ids, dwte.numel() / c, t);
            kernels.args(Kernel.EMBEDDING_BACKWARD_TOKENS).ptr(dwte).ptr(dout).ptr(ids).i32(c).i64(n)
                    .launchGridStride(n);
        }
        if (dwpe != null) {
            columnSum(dwpe, dout, b, (long) t * c);
        }
    }

    private void checkIds(String op, Tensor ids, long rows, int t) {
        int bad = firstBadIndex(ids, (int) Math.min(rows, Integer.MAX_VALUE));
        if (bad >= 0) {
            throw new IllegalArgumentException(op + ": ids[" + bad / t + ", " + bad % t + "] = " + valueAt(ids, bad)
                    + " is outside the table's rows [0, " + rows + ")");
        }
    }

    /** The first position of {@code ids} outside [0, bound), or -1; waits for the device. */
    private int firstBadIndex(Tensor ids, int bound) {
        runtime(CudaRuntime.cudaMemsetAsync(scalars, 0x7F, 4, device.stream()), "cudaMemsetAsync");
        kernels.args(Kernel.CHECK_INDICES).ptr(scalars).ptr(ids).i64(ids.numel()).i32(bound)
                .launchGridStride(ids.numel());
        int bad = readInt(scalars);
        return bad == NONE_BAD ? -1 : bad;
    }

    private int valueAt(Tensor ids, long index) {
        return readInt(ids.segment().asSlice(index * Integer.BYTES, Integer.BYTES));
    }

    private int readInt(MemorySegment deviceWord) {
        runtime(CudaRuntime.cudaMemcpyAsync(readback, deviceWord, 4, CudaRuntime.cudaMemcpyDeviceToHost(),
                device.stream()), "cudaMemcpyAsync(device to host, 4 bytes)");
        device.synchronize();
        return readback.get(ValueLayout.JAVA_INT, 0);
    }

    // ---- normalisation ----

    @Override
    public void layerNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias,
                                 int n, int c) {
        device.bind();
        kernels.args(Kernel.LAYERNORM_FORWARD).ptr(out).ptr(mean).ptr(rstd).ptr(inp).ptr(weight).ptr(bias).i32(n)
                .i32(c).launchWarpRows(n);
    }

    @Override
    public void layerNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        device.bind();
        if (dinp != null) {
            kernels.args(Kernel.LAYERNORM_BACKWARD_INPUT).ptr(dinp).ptr(dout).ptr(inp).ptr(weight).ptr(mean)
                    .ptr(rstd).i32(n).i32(c).launchWarpRows(n);
        }
        if (dweight != null || dbias != null) {
            kernels.args(Kernel.LAYERNORM_BACKWARD_PARAMS).ptr(dweight).ptr(dbias).ptr(dout).ptr(inp).ptr(mean)
                    .ptr(rstd).i32(n).i32(c).launchColumns(c);
        }
    }

    @Override
    public void batchNormForward(Tensor out, Tensor mean, Tensor rstd, Tensor runningMean, Tensor runningVar,
                                 Tensor inp, Tensor weight, Tensor bias, float momentum, float eps, boolean training,
                                 int n, int c) {
        device.bind();
        kernels.args(Kernel.BATCHNORM_STATISTICS).ptr(mean).ptr(rstd).ptr(runningMean).ptr(runningVar).ptr(inp)
                .f32(momentum).f32(eps).i32(training ? 1 : 0).i32(n).i32(c).launchColumns(c);
        long all = (long) n * c;
        kernels.args(Kernel.BATCHNORM_APPLY).ptr(out).ptr(inp).ptr(mean).ptr(rstd).ptr(weight).ptr(bias).i32(c)
                .i64(all).launchGridStride(all);
    }

    @Override
    public void batchNormBackward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                                  Tensor mean, Tensor rstd, int n, int c) {
        device.bind();
        kernels.args(Kernel.BATCHNORM_BACKWARD).ptr(dinp).ptr(dweight).ptr(dbias).ptr(dout).ptr(inp).ptr(weight)
                .ptr(mean).ptr(rstd).i32(n).i32(c).launchColumns(c);
    }

    // ---- attention ----

    @Override
    public void attentionForward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask,
                                 int b, int tq, int tk, int nh, int hs, boolean causal) {
        device.bind();
        attention.forward(out, att, q, k, v, keyMask, b, tq, tk, nh, hs, causal);
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v,
                                  Tensor att, int b, int tq, int tk, int nh, int hs) {
        device.bind();
        attention.backward(dq, dk, dv, dout, q, k, v, att, b, tq, tk, nh, hs);
    }

    // ---- pointwise ----

    @Override
    public void activationForward(Tensor out, Tensor inp, Activation act, long n) {
        device.bind();
        kernels.args(Kernel.ACTIVATION_FORWARD).ptr(out).ptr(inp).i32(code(act)).i64(n).launchGridStride(n);
    }

    @Override
    public void activationBackward(Tensor dinp, Tensor dout, Tensor inp, Activation act, long n) {
        device.bind();
        kernels.args(Kernel.ACTIVATION_BACKWARD).ptr(dinp).ptr(dout).ptr(inp).i32(code(act)).i64(n)
                .launchGridStride(n);
    }

    /** The act argument of native/pointwise.cu. */
    private static int code(Activation act) {
        return switch (act) {
            case GELU -> 0;
            case RELU -> 1;
        };
    }

    @Override
    public void residualForward(Tensor out, Tensor a, Tensor b, long n) {
        device.bind();
        kernels.args(Kernel.RESIDUAL_FORWARD).ptr(out).ptr(a).ptr(b).i64(n).launchGridStride(n);
    }

    @Override
    public void residualBackward(Tensor da, Tensor db, Tensor dout, long n) {
        device.bind();
        kernels.args(Kernel.RESIDUAL_BACKWARD).ptr(da).ptr(db).ptr(dout).i64(n).launchGridStride(n);
    }

    @Override
    public void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed, long n) {
        device.bind();
        // the same (seed, index) function as every backend: DropoutRng's key, threshold and kept value
        kernels.args(Kernel.DROPOUT_FORWARD).ptr(out).ptr(mask).ptr(inp).i64(DropoutRng.key(seed))
                .i32(DropoutRng.threshold(p)).f32(DropoutRng.keepScale(p)).i64(n).launchGridStride(n);
    }

    @Override
    public void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask, long n) {
        device.bind();
        kernels.args(Kernel.DROPOUT_BACKWARD).ptr(dinp).ptr(dout).ptr(mask).i64(n).launchGridStride(n);
    }

    // ---- loss ----

    @Override
    public void crossEntropyForward(Tensor losses, Tensor probs, Tensor logits, Tensor targets, Tensor mask,
                                    int n, int v) {
        device.bind();
        checkTargets("crossEntropyForward", targets, v);
        kernels.args(Kernel.CROSSENTROPY_FORWARD).ptr(losses).ptr(probs).ptr(logits).ptr(targets).ptr(mask).i32(n)
                .i32(v).launchRows(n, 0);
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor dlosses, Tensor probs, Tensor targets, Tensor mask,
                                     int n, int v) {
        device.bind();
        checkTargets("crossEntropyBackward", targets, v);
        long all = (long) n * v;
        kernels.args(Kernel.CROSSENTROPY_BACKWARD).ptr(dlogits).ptr(dlosses).ptr(probs).ptr(targets).ptr(mask)
                .i32(v).i64(all).launchGridStride(all);
    }

    private void checkTargets(String op, Tensor targets, int v) {
        int bad = firstBadIndex(targets, v);
        if (bad >= 0) {
            throw new IllegalArgumentException(op + ": targets[" + bad + "] = " + valueAt(targets, bad)
                    + " is outside the vocabulary [0, " + v + ")");
        }
    }

    // ---- copy/generate mixture ----

    @Override
    public void mixtureForward(Tensor logp, Tensor mix, Tensor gen, Tensor dists, Tensor genLogits, Tensor mixLogits,
                               int n, int k, int v) {
        device.bind();
        kernels.args(Kernel.MIXTURE_FORWARD).ptr(logp).ptr(mix).ptr(gen).ptr(dists).ptr(genLogits).ptr(mixLogits)
                .i32(n).i32(k).i32(v).launchRows(n, (k + 1) * Float.BYTES);
    }

    @Override
    public void mixtureBackward(Tensor ddists, Tensor dgenLogits, Tensor dmixLogits, Tensor dlogp, Tensor dists,
                                Tensor gen, Tensor mix, int n, int k, int v) {
        device.bind();
        kernels.args(Kernel.MIXTURE_BACKWARD).ptr(ddists).ptr(dgenLogits).ptr(dmixLogits).ptr(dlogp).ptr(dists)
                .ptr(gen).ptr(mix).i32(n).i32(k).i32(v).launchRows(n, (k + 1) * Float.BYTES);
    }

    // ---- optimisation ----

    @Override
    public double sumSquares(Tensor x, long n) {
        device.bind();
        MemorySegment partials = scalars.asSlice(PARTIALS_OFFSET, 8L * Kernels.SUM_BLOCKS);
        MemorySegment sum = scalars.asSlice(SUM_OFFSET, 8);
        kernels.args(Kernel.SUM_SQUARES_PARTIAL).ptr(partials).ptr(x).i64(n).launchBlocks(Kernels.SUM_BLOCKS);
        kernels.args(Kernel.SUM_PARTIALS).ptr(sum).ptr(partials).i32(Kernels.SUM_BLOCKS).launchBlocks(1);
        runtime(CudaRuntime.cudaMemcpyAsync(readback, sum, 8, CudaRuntime.cudaMemcpyDeviceToHost(), device.stream()),
                "cudaMemcpyAsync(device to host, 8 bytes)");
        device.synchronize();
        return readback.get(ValueLayout.JAVA_DOUBLE, 0);
    }

    @Override
    public void adamW(Tensor params, Tensor grads, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                      float weightDecay, float gradScale, int t, long n) {
        device.bind();
        float bias1 = (float) (1 - Math.pow(beta1, t));
        float bias2 = (float) (1 - Math.pow(beta2, t));
        kernels.args(Kernel.ADAMW).ptr(params).ptr(grads).ptr(m).ptr(v).f32(lr).f32(beta1).f32(beta2).f32(eps)
                .f32(weightDecay).f32(gradScale).f32(bias1).f32(bias2).i64(n).launchGridStride(n);
    }

    @Override
    public void ema(Tensor ema, Tensor x, float rate, long n) {
        device.bind();
        kernels.args(Kernel.EMA).ptr(ema).ptr(x).f32(rate).i64(n).launchGridStride(n);
    }
}
