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
 * <p>fp32 storage; the compute type is CUBLAS_COMPUTE_32F (exact fp32), CUBLAS_COMPUTE_32F_FAST_TF32 (tensor
 * cores, inputs rounded to 10 mantissa bits, fp32 accumulation: PyTorch's {@code allow_tf32}) or
 * CUBLAS_COMPUTE_32F_FAST_16BF (inputs rounded to bfloat16, fp32 accumulation: PyTorch's
 * {@code set_float32_matmul_precision("medium")}); cuBLAS converts the fp32 operands itself.
 */
final class Gemm implements AutoCloseable {
    private final CudaDevice device;
    private final int computeType;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment alpha = arena.allocate(ValueLayout.JAVA_FLOAT);
    private final MemorySegment beta = arena.allocate(ValueLayout.JAVA_FLOAT);

    Gemm(CudaDevice device, MatmulPrecision precision) {
        this.device = device;
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
        set(scale, accumulate);
        int r32 = Cublas.CUDA_R_32F();
        cublas(Cublas.cublasGemmEx(device.blas(), op(transB), op(transA), n, m, k, alpha, b, r32, transB ? k : n,
                a, r32, transA ? m : k, beta, c, r32, n, computeType, Cublas.CUBLAS_GEMM_DEFAULT()), "cublasGemmEx");
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
        arena.close();
    }
}
