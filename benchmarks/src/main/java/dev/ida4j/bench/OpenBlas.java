package dev.ida4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * The few OpenBLAS entry points the peer benchmark needs, bound through the FFM API from Debian's
 * libopenblas.so.0 (override with -Dida4j.openblas=PATH). Integers are 32-bit (the library's default blasint).
 */
final class OpenBlas {
    static final String LIBRARY = System.getProperty("ida4j.openblas", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0");
    static final int ROW_MAJOR = 101;
    static final int NO_TRANS = 111;
    static final int TRANS = 112;

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout P = ValueLayout.ADDRESS;
    private static final SymbolLookup LIB = SymbolLookup.libraryLookup(Path.of(LIBRARY), Arena.global());
    private static final Linker LINKER = Linker.nativeLinker();

    /** void cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc). */
    static final MethodHandle SGEMM = bind("cblas_sgemm",
            FunctionDescriptor.ofVoid(I, I, I, I, I, I, F, P, I, P, I, F, P, I));
    private static final MethodHandle SET_THREADS = bind("openblas_set_num_threads", FunctionDescriptor.ofVoid(I));
    private static final MethodHandle GET_THREADS = bind("openblas_get_num_threads", FunctionDescriptor.of(I));
    private static final MethodHandle CORENAME = bind("openblas_get_corename", FunctionDescriptor.of(P));
    private static final MethodHandle CONFIG = bind("openblas_get_config", FunctionDescriptor.of(P));

    private OpenBlas() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        MemorySegment symbol = LIB.find(name)
                .orElseThrow(() -> new IllegalStateException(name + " not found in " + LIBRARY));
        return LINKER.downcallHandle(symbol, fd);
    }

    static void setThreads(int n) {
        try {
            SET_THREADS.invokeExact(n);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int threads() {
        try {
            return (int) GET_THREADS.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The kernel family OpenBLAS picked at load time (for example "Cooperlake", "SkylakeX" or "Haswell"). */
    static String corename() {
        return string(CORENAME);
    }

    static String config() {
        return string(CONFIG);
    }

    /** Whether the picked core runs OpenBLAS's AVX-512 SGEMM kernels. */
    static boolean avx512() {
        String core = corename().toLowerCase(java.util.Locale.ROOT);
        return core.contains("skylakex") || core.contains("cooperlake") || core.contains("sapphirerapids");
    }

    private static String string(MethodHandle h) {
        try {
            MemorySegment p = (MemorySegment) h.invokeExact();
            return p.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
