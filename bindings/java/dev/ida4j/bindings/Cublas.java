// Hand-written in jextract's shape from the documented signatures of cublas_api.h (cuBLAS 13): the headers are not
// installed on the build machines (no cublas_v2.h in /usr/local/cuda/include), so jextract cannot generate it there.
// The function list is bindings/includes/cublas.txt; bindings/regenerate.sh regenerates this file where jextract and
// the headers exist, with the same public surface (the _v2 names cublas_v2.h's macros resolve to).
package dev.ida4j.bindings;

import static dev.ida4j.bindings.Linking.C_INT;
import static dev.ida4j.bindings.Linking.C_LONG;
import static dev.ida4j.bindings.Linking.C_POINTER;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * cuBLAS ({@code libcublas.so.13}): handles, streams, math modes and the GEMMs the CUDA backend uses. Column-major,
 * as BLAS; host pointer mode (alpha and beta are host pointers) unless changed. Symbols come from
 * {@code SymbolLookup.loaderLookup()} (load the library first). Every function returns its {@code cublasStatus_t}
 * as an int.
 */
public final class Cublas {
    private Cublas() {
    }

    // ---- cublasStatus_t --------------------------------------------------------------------------------------------

    public static int CUBLAS_STATUS_SUCCESS() { return 0; }
    public static int CUBLAS_STATUS_NOT_INITIALIZED() { return 1; }
    public static int CUBLAS_STATUS_ALLOC_FAILED() { return 3; }
    public static int CUBLAS_STATUS_INVALID_VALUE() { return 7; }
    public static int CUBLAS_STATUS_ARCH_MISMATCH() { return 8; }
    public static int CUBLAS_STATUS_MAPPING_ERROR() { return 11; }
    public static int CUBLAS_STATUS_EXECUTION_FAILED() { return 13; }
    public static int CUBLAS_STATUS_INTERNAL_ERROR() { return 14; }
    public static int CUBLAS_STATUS_NOT_SUPPORTED() { return 15; }
    public static int CUBLAS_STATUS_LICENSE_ERROR() { return 16; }

    // ---- cublasOperation_t, cublasMath_t, cublasComputeType_t, cublasGemmAlgo_t ------------------------------------

    public static int CUBLAS_OP_N() { return 0; }
    public static int CUBLAS_OP_T() { return 1; }
    public static int CUBLAS_DEFAULT_MATH() { return 0; }
    public static int CUBLAS_PEDANTIC_MATH() { return 2; }
    public static int CUBLAS_TF32_TENSOR_OP_MATH() { return 3; }
    public static int CUBLAS_COMPUTE_32F() { return 68; }
    public static int CUBLAS_COMPUTE_32F_PEDANTIC() { return 69; }
    public static int CUBLAS_COMPUTE_32F_FAST_16BF() { return 75; }
    public static int CUBLAS_COMPUTE_32F_FAST_TF32() { return 77; }
    public static int CUBLAS_GEMM_DEFAULT() { return -1; }

    // ---- cudaDataType (library_types.h, which is installed: values checked there) --------------------------------

    public static int CUDA_R_32F() { return 0; }
    public static int CUDA_R_16F() { return 2; }
    public static int CUDA_R_16BF() { return 14; }

    private static final class cublasCreate_v2 {
        static final MethodHandle HANDLE = Linking.downcall("cublasCreate_v2", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)} */
    public static int cublasCreate_v2(MemorySegment handle) {
        try {
            return (int) cublasCreate_v2.HANDLE.invokeExact(handle);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasDestroy_v2 {
        static final MethodHandle HANDLE = Linking.downcall("cublasDestroy_v2", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)} */
    public static int cublasDestroy_v2(MemorySegment handle) {
        try {
            return (int) cublasDestroy_v2.HANDLE.invokeExact(handle);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasGetVersion_v2 {
        static final MethodHandle HANDLE = Linking.downcall("cublasGetVersion_v2", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    }

    /** {@code cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int *version)} */
    public static int cublasGetVersion_v2(MemorySegment handle, MemorySegment version) {
        try {
            return (int) cublasGetVersion_v2.HANDLE.invokeExact(handle, version);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasSetStream_v2 {
        static final MethodHandle HANDLE = Linking.downcall("cublasSetStream_v2", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    }

    /** {@code cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)} */
    public static int cublasSetStream_v2(MemorySegment handle, MemorySegment streamId) {
        try {
            return (int) cublasSetStream_v2.HANDLE.invokeExact(handle, streamId);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasSetWorkspace_v2 {
        static final MethodHandle HANDLE = Linking.downcall("cublasSetWorkspace_v2", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG));
    }

    /** {@code cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t handle, void *workspace, size_t workspaceSizeInBytes)} */
    public static int cublasSetWorkspace_v2(MemorySegment handle, MemorySegment workspace, long workspaceSizeInBytes) {
        try {
            return (int) cublasSetWorkspace_v2.HANDLE.invokeExact(handle, workspace, workspaceSizeInBytes);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasSetMathMode {
        static final MethodHandle HANDLE = Linking.downcall("cublasSetMathMode", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    }

    /** {@code cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode)} */
    public static int cublasSetMathMode(MemorySegment handle, int mode) {
        try {
            return (int) cublasSetMathMode.HANDLE.invokeExact(handle, mode);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasGetStatusString {
        static final MethodHandle HANDLE = Linking.downcall("cublasGetStatusString", FunctionDescriptor.of(C_POINTER, C_INT));
    }

    /** {@code const char *cublasGetStatusString(cublasStatus_t status)} */
    public static MemorySegment cublasGetStatusString(int status) {
        try {
            return (MemorySegment) cublasGetStatusString.HANDLE.invokeExact(status);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasGetStatusName {
        static final MethodHandle HANDLE = Linking.downcall("cublasGetStatusName", FunctionDescriptor.of(C_POINTER, C_INT));
    }

    /** {@code const char *cublasGetStatusName(cublasStatus_t status)} */
    public static MemorySegment cublasGetStatusName(int status) {
        try {
            return (MemorySegment) cublasGetStatusName.HANDLE.invokeExact(status);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasSgemm_v2 {
        static final MethodHandle HANDLE = Linking.downcall("cublasSgemm_v2",
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT));
    }

    /** {@code cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float *alpha, const float *A, int lda, const float *B, int ldb, const float *beta, float *C, int ldc)} */
    public static int cublasSgemm_v2(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int lda, MemorySegment B, int ldb, MemorySegment beta, MemorySegment C, int ldc) {
        try {
            return (int) cublasSgemm_v2.HANDLE.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasSgemmStridedBatched {
        static final MethodHandle HANDLE = Linking.downcall("cublasSgemmStridedBatched",
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_LONG, C_POINTER, C_INT, C_LONG, C_POINTER, C_POINTER, C_INT, C_LONG, C_INT));
    }

    /** {@code cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float *alpha, const float *A, int lda, long long strideA, const float *B, int ldb, long long strideB, const float *beta, float *C, int ldc, long long strideC, int batchCount)} */
    public static int cublasSgemmStridedBatched(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int lda, long strideA, MemorySegment B, int ldb, long strideB, MemorySegment beta, MemorySegment C, int ldc, long strideC, int batchCount) {
        try {
            return (int) cublasSgemmStridedBatched.HANDLE.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batchCount);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasGemmEx {
        static final MethodHandle HANDLE = Linking.downcall("cublasGemmEx",
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_INT, C_INT));
    }

    /** {@code cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const void *alpha, const void *A, cudaDataType Atype, int lda, const void *B, cudaDataType Btype, int ldb, const void *beta, void *C, cudaDataType Ctype, int ldc, cublasComputeType_t computeType, cublasGemmAlgo_t algo)} */
    public static int cublasGemmEx(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int Atype, int lda, MemorySegment B, int Btype, int ldb, MemorySegment beta, MemorySegment C, int Ctype, int ldc, int computeType, int algo) {
        try {
            return (int) cublasGemmEx.HANDLE.invokeExact(handle, transa, transb, m, n, k, alpha, A, Atype, lda, B, Btype, ldb, beta, C, Ctype, ldc, computeType, algo);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cublasGemmStridedBatchedEx {
        static final MethodHandle HANDLE = Linking.downcall("cublasGemmStridedBatchedEx",
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_LONG, C_POINTER, C_INT, C_INT, C_LONG, C_POINTER, C_POINTER, C_INT, C_INT, C_LONG, C_INT, C_INT, C_INT));
    }

    /** {@code cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const void *alpha, const void *A, cudaDataType Atype, int lda, long long strideA, const void *B, cudaDataType Btype, int ldb, long long strideB, const void *beta, void *C, cudaDataType Ctype, int ldc, long long strideC, int batchCount, cublasComputeType_t computeType, cublasGemmAlgo_t algo)} */
    public static int cublasGemmStridedBatchedEx(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int Atype, int lda, long strideA, MemorySegment B, int Btype, int ldb, long strideB, MemorySegment beta, MemorySegment C, int Ctype, int ldc, long strideC, int batchCount, int computeType, int algo) {
        try {
            return (int) cublasGemmStridedBatchedEx.HANDLE.invokeExact(handle, transa, transb, m, n, k, alpha, A, Atype, lda, strideA, B, Btype, ldb, strideB, beta, C, Ctype, ldc, strideC, batchCount, computeType, algo);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }
}
