package dev.ida4j.bench;

/**
 * Prints which kernels OpenBLAS picked in this environment and exits with status 3 unless they are the AVX-512 ones
 * (gemm-vs-openblas.sh runs it first, under the benchmark's environment, so a Haswell fallback cannot go unnoticed).
 */
public final class OpenBlasInfo {
    private OpenBlasInfo() {
    }

    public static void main(String[] args) {
        System.out.println("OpenBLAS library: " + OpenBlas.LIBRARY);
        System.out.println("OpenBLAS core:    " + OpenBlas.corename());
        System.out.println("OpenBLAS config:  " + OpenBlas.config());
        System.out.println("OpenBLAS threads: " + OpenBlas.threads());
        if (!OpenBlas.avx512()) {
            System.out.println("NOT the AVX-512 kernels: unset OPENBLAS_CORETYPE and run on an AVX-512 CPU");
            System.exit(3);
        }
    }
}
