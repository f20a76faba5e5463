package dev.ida4j.backend.cuda;

import static dev.ida4j.backend.cuda.Status.cublas;

import dev.ida4j.backend.MatmulPrecision;
import dev.ida4j.bindings.Cublas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Row-major matrix products on cuBLAS, which is column-major: a row-major X(r, c) is, read column-major, Xᵀ with
 * leading dimension c. So C(M,N) = op(A)·op(B) is computed as the column-major Cᵀ(N,M) = op(B)ᵀ·op(A)ᵀ: the
 * operands swap places, keep their transpose flags, and every leading dimension is a row length.
 *
 * <p>FP32 and TF32 take the fp32 matrices as they are, with compute type CUBLAS_COMPUTE_32F (exact fp32) or
 * CUBLAS_COMPUTE_32F_FAST_TF32 (tensor cores, inputs rounded to 10 mantissa bits, fp32 accumulation: PyTorch's
 * {@code allow_tf32}). BF16 is mixed precision: a plain product's operands are first copied to bfloat16 (rounded to
 * nearest, ties to even, by {@code to_bf16} in native/linear.cu) and multiplied on bfloat16 tensor cores with fp32
 * accumulation into the fp32 result, so weights, activations and gradients stay fp32 in memory and only the products
 * read bfloat16. (cuBLAS's CUBLAS_COMPUTE_32F_FAST_16BF on fp32 matrices ran no faster than TF32 on an H200, and its
 * results were off inputs rounded to bfloat16 by far more than fp32 sums explain; see benchmarks/RESULTS.md.)
 * Attention's batched products keep fp32 operands at BF16 with that compute type: their operands, the (B·NH, T, T)
 * scores, would cost more to copy than the faster product saves.
 */
final class Gemm implements AutoCloseable {
    private final CudaDevice device;
    private final Kernels kernels;
    private final boolean bf16;
    /** For fp32 operands. */
    private final int computeType;
    /** The bfloat16 copies of a BF16 product's operands. */
    private final Workspace bf16A;
    private final Workspace bf16B;
    private MemorySegment lastA = MemorySegment.NULL;
    private long lastACount;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment alpha = arena.allocate(ValueLayout.JAVA_FLOAT);
    private final MemorySegment beta = arena.allocate(ValueLayout.JAVA_FLOAT);

    Gemm(CudaDevice device, Kernels kernels, MatmulPrecision precision) {
        this.device = device;
        this.kernels = kernels;
        this.bf16 = precision == MatmulPrecision.BF16;
        this.bf16A = new Workspace(device);
        this.bf16B = new Workspace(device);
        this.computeType = switch (precision) {
            case FP32 -> Cublas.CUBLAS_COMPUTE_32F();
            case TF32 -> Cublas.CUBLAS_COMPUTE_32F_FAST_TF32();
            case BF16 -> Cublas.CUBLAS_COMPUTE_32F_FAST_16BF();
        };
    }

    /**
     * c(M,N) = scale·op(a)·op(b) + (accumulate ? c : 0), row-major; op(a) is (M,K), stored (K,M) when transA;
     * op(b) is (K,N), stored (N,K) when transB. Device addresses.
     */
    void multiply(MemorySegment c, MemorySegment a, MemorySegment b, int m, int n, int k, boolean transA,
                  boolean transB, float scale, boolean accumulate) {
        multiply(c, a, b, m, n, k, transA, transB, scale, accumulate, false);
    }

    /**
     * {@link #multiply}, where {@code sameA} says that a is the previous call's a, unchanged since (at BF16 its
     * bfloat16 copy is reused: a linear layer's backward multiplies the output gradient twice).
     */
    void multiply(MemorySegment c, MemorySegment a, MemorySegment b, int m, int n, int k, boolean transA,
                  boolean transB, float scale, boolean accumulate, boolean sameA) {
        set(scale, accumulate);
        int r32 = Cublas.CUDA_R_32F();
        if (!bf16) {
            cublas(Cublas.cublasGemmEx(device.blas(), op(transB), op(transA), n, m, k, alpha, b, r32,
                    transB ? k : n, a, r32, transA ? m : k, beta, c, r32, n, computeType,
                    Cublas.CUBLAS_GEMM_DEFAULT()), "cublasGemmEx");
            return;
        }
        long aCount = (long) m * k;
        if (!sameA || a.address() != lastA.address() || aCount != lastACount) {
            toBf16(bf16A, a, aCount);
            lastA = a;
            lastACount = aCount;
        }
        MemorySegment b16 = toBf16(bf16B, b, (long) k * n);
        int r16 = Cublas.CUDA_R_16BF();
        cublas(Cublas.cublasGemmEx(device.blas(), op(transB), op(transA), n, m, k, alpha, b16, r16, transB ? k : n,
                bf16A.floats(0), r16, transA ? m : k, beta, c, r32, n, Cublas.CUBLAS_COMPUTE_32F(),
                Cublas.CUBLAS_GEMM_DEFAULT()), "cublasGemmEx(bf16 operands)");
    }

    // dst(count) = bfloat16(src(count)), in the workspace
    private MemorySegment toBf16(Workspace into, MemorySegment src, long count) {
        MemorySegment dst = into.floats((count + 1) / 2);
        kernels.args(Kernel.TO_BF16).ptr(dst).ptr(src).i64(count).launchGridStride(count);
        return dst;
    }

    /**
     * {@link #multiply} for {@code batch} independent products, the i-th operands starting {@code i·stride}
     * floats after the first.
     */
    void multiplyBatched(MemorySegment c, MemorySegment a, MemorySegment b, int m, int n, int k, boolean transA,
                         boolean transB, float scale, boolean accumulate, int batch, long strideA, long strideB,
                         long strideC) {
        set(scale, accumulate);
        int r32 = Cublas.CUDA_R_32F();
        cublas(Cublas.cublasGemmStridedBatchedEx(device.blas(), op(transB), op(transA), n, m, k, alpha, b, r32,
                transB ? k : n, strideB, a, r32, transA ? m : k, strideA, beta, c, r32, n, strideC, batch,
                computeType, Cublas.CUBLAS_GEMM_DEFAULT()), "cublasGemmStridedBatchedEx");
    }

    private void set(float scale, boolean accumulate) {
        // host pointer mode: cuBLAS reads alpha and beta before the call returns, so one pair serves every call
        alpha.set(ValueLayout.JAVA_FLOAT, 0, scale);
        beta.set(ValueLayout.JAVA_FLOAT, 0, accumulate ? 1f : 0f);
    }

    private static int op(boolean trans) {
        return trans ? Cublas.CUBLAS_OP_T() : Cublas.CUBLAS_OP_N();
    }

    @Override
    public void close() {
        try (bf16A; bf16B) {
            arena.close();
        }
    }
}
