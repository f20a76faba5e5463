package dev.ida4j.backend.cuda;

import dev.ida4j.bindings.Cublas;
import dev.ida4j.bindings.CudaDriver;
import dev.ida4j.bindings.CudaRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The one checker every CUDA runtime, driver and cuBLAS status goes through: 0 passes, anything else becomes a
 * {@link CudaException} naming the call, flagged sticky when the context is lost.
 */
final class Status {
    private Status() {
    }

    /** A cudaError_t. */
    static void runtime(int status, String call) {
        if (status != 0) {
            throw new CudaException(call, status, text(CudaRuntime.cudaGetErrorName(status)),
                    text(CudaRuntime.cudaGetErrorString(status)), sticky(status));
        }
    }

    /** A CUresult (the driver's codes for the sticky errors equal the runtime's). */
    static void driver(int status, String call) {
        if (status != 0) {
            throw new CudaException(call, status, driverText(status, true), driverText(status, false),
                    sticky(status));
        }
    }

    /**
     * A cublasStatus_t. EXECUTION_FAILED usually hides a kernel fault; the runtime's last error says whether the
     * context is lost.
     */
    static void cublas(int status, String call) {
        if (status != 0) {
            int last = status == Cublas.CUBLAS_STATUS_EXECUTION_FAILED() ? CudaRuntime.cudaGetLastError() : 0;
            String description = text(Cublas.cublasGetStatusString(status))
                    + (last != 0 ? " (CUDA: " + text(CudaRuntime.cudaGetErrorName(last)) + ")" : "");
            throw new CudaException(call, status, text(Cublas.cublasGetStatusName(status)), description,
                    sticky(last));
        }
    }

    /**
     * Whether a cudaError_t/CUresult leaves the context unusable: the CUDA runtime documentation says of these
     * that "the process must be terminated and relaunched".
     */
    static boolean sticky(int status) {
        return status == CudaRuntime.cudaErrorIllegalAddress() || status == CudaRuntime.cudaErrorLaunchTimeout()
                || status == CudaRuntime.cudaErrorAssert() || status == CudaRuntime.cudaErrorHardwareStackError()
                || status == CudaRuntime.cudaErrorIllegalInstruction()
                || status == CudaRuntime.cudaErrorMisalignedAddress()
                || status == CudaRuntime.cudaErrorInvalidAddressSpace() || status == CudaRuntime.cudaErrorInvalidPc()
                || status == CudaRuntime.cudaErrorLaunchFailure()
                || status == CudaRuntime.cudaErrorECCUncorrectable() || status == CudaRuntime.cudaErrorContained()
                || status == CudaRuntime.cudaErrorTensorMemoryLeak() || status == CudaRuntime.cudaErrorUnknown();
    }

    private static String driverText(int status, boolean name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            int rc = name ? CudaDriver.cuGetErrorName(status, out) : CudaDriver.cuGetErrorString(status, out);
            return rc == 0 ? text(out.get(ValueLayout.ADDRESS, 0)) : "unknown CUresult";
        }
    }

    /** A C string returned by a library (static storage, never freed). */
    static String text(MemorySegment cString) {
        return cString.equals(MemorySegment.NULL) ? "(null)" : cString.reinterpret(4096).getString(0);
    }
}
