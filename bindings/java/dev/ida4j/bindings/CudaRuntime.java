// Hand-written in jextract's shape from cuda_runtime_api.h / driver_types.h (CUDA 13.0), limited to the functions
// and constants in bindings/includes/cuda_runtime.txt. bindings/regenerate.sh replaces this file with jextract's
// output where jextract exists; the public surface (C names, int status returns, constants as methods) is the same.
package dev.ida4j.bindings;

import static dev.ida4j.bindings.Linking.C_INT;
import static dev.ida4j.bindings.Linking.C_LONG;
import static dev.ida4j.bindings.Linking.C_POINTER;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The CUDA runtime API ({@code libcudart.so.13}). Symbols are found through {@code SymbolLookup.loaderLookup()}:
 * the library must have been loaded with {@link System#load} first (the CUDA backend's library loader does so).
 * Every function returns its {@code cudaError_t} as an int; nothing here checks it.
 */
public final class CudaRuntime {
    private CudaRuntime() {
    }

    // ---- enum cudaError (driver_types.h) -------------------------------------------------------------------------

    public static int cudaSuccess() { return 0; }
    public static int cudaErrorInvalidValue() { return 1; }
    public static int cudaErrorMemoryAllocation() { return 2; }
    public static int cudaErrorInsufficientDriver() { return 35; }
    public static int cudaErrorNoDevice() { return 100; }
    public static int cudaErrorECCUncorrectable() { return 214; }
    public static int cudaErrorContained() { return 226; }
    public static int cudaErrorIllegalAddress() { return 700; }
    public static int cudaErrorLaunchTimeout() { return 702; }
    public static int cudaErrorAssert() { return 710; }
    public static int cudaErrorHardwareStackError() { return 714; }
    public static int cudaErrorIllegalInstruction() { return 715; }
    public static int cudaErrorMisalignedAddress() { return 716; }
    public static int cudaErrorInvalidAddressSpace() { return 717; }
    public static int cudaErrorInvalidPc() { return 718; }
    public static int cudaErrorLaunchFailure() { return 719; }
    public static int cudaErrorTensorMemoryLeak() { return 721; }
    public static int cudaErrorUnknown() { return 999; }

    // ---- enum cudaMemcpyKind ---------------------------------------------------------------------------------------

    public static int cudaMemcpyHostToHost() { return 0; }
    public static int cudaMemcpyHostToDevice() { return 1; }
    public static int cudaMemcpyDeviceToHost() { return 2; }
    public static int cudaMemcpyDeviceToDevice() { return 3; }
    public static int cudaMemcpyDefault() { return 4; }

    // ---- enum cudaDeviceAttr (subset) and flags ---------------------------------------------------------------------

    public static int cudaDevAttrMultiProcessorCount() { return 16; }
    public static int cudaDevAttrComputeCapabilityMajor() { return 75; }
    public static int cudaDevAttrComputeCapabilityMinor() { return 76; }
    public static int cudaStreamNonBlocking() { return 0x01; }
    public static int cudaEventDisableTiming() { return 0x02; }

    // ---- device management ---------------------------------------------------------------------------------------

    private static final class cudaGetDeviceCount {
        static final MethodHandle HANDLE = Linking.downcall("cudaGetDeviceCount", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code cudaError_t cudaGetDeviceCount(int *count)} */
    public static int cudaGetDeviceCount(MemorySegment count) {
        try {
            return (int) cudaGetDeviceCount.HANDLE.invokeExact(count);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaSetDevice {
        static final MethodHandle HANDLE = Linking.downcall("cudaSetDevice", FunctionDescriptor.of(C_INT, C_INT));
    }

    /** {@code cudaError_t cudaSetDevice(int device)} */
    public static int cudaSetDevice(int device) {
        try {
            return (int) cudaSetDevice.HANDLE.invokeExact(device);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaDeviceSynchronize {
        static final MethodHandle HANDLE = Linking.downcall("cudaDeviceSynchronize", FunctionDescriptor.of(C_INT));
    }

    /** {@code cudaError_t cudaDeviceSynchronize(void)} */
    public static int cudaDeviceSynchronize() {
        try {
            return (int) cudaDeviceSynchronize.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaDeviceGetAttribute {
        static final MethodHandle HANDLE = Linking.downcall("cudaDeviceGetAttribute",
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT));
    }

    /** {@code cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)} */
    public static int cudaDeviceGetAttribute(MemorySegment value, int attr, int device) {
        try {
            return (int) cudaDeviceGetAttribute.HANDLE.invokeExact(value, attr, device);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaMemGetInfo {
        static final MethodHandle HANDLE = Linking.downcall("cudaMemGetInfo", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    }

    /** {@code cudaError_t cudaMemGetInfo(size_t *free, size_t *total)} */
    public static int cudaMemGetInfo(MemorySegment free, MemorySegment total) {
        try {
            return (int) cudaMemGetInfo.HANDLE.invokeExact(free, total);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaRuntimeGetVersion {
        static final MethodHandle HANDLE = Linking.downcall("cudaRuntimeGetVersion", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)} */
    public static int cudaRuntimeGetVersion(MemorySegment runtimeVersion) {
        try {
            return (int) cudaRuntimeGetVersion.HANDLE.invokeExact(runtimeVersion);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    // ---- errors ----------------------------------------------------------------------------------------------------

    private static final class cudaGetLastError {
        static final MethodHandle HANDLE = Linking.downcall("cudaGetLastError", FunctionDescriptor.of(C_INT));
    }

    /** {@code cudaError_t cudaGetLastError(void)}: returns and clears the last non-sticky error. */
    public static int cudaGetLastError() {
        try {
            return (int) cudaGetLastError.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaGetErrorString {
        static final MethodHandle HANDLE = Linking.downcall("cudaGetErrorString", FunctionDescriptor.of(C_POINTER, C_INT));
    }

    /** {@code const char* cudaGetErrorString(cudaError_t error)} */
    public static MemorySegment cudaGetErrorString(int error) {
        try {
            return (MemorySegment) cudaGetErrorString.HANDLE.invokeExact(error);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaGetErrorName {
        static final MethodHandle HANDLE = Linking.downcall("cudaGetErrorName", FunctionDescriptor.of(C_POINTER, C_INT));
    }

    /** {@code const char* cudaGetErrorName(cudaError_t error)} */
    public static MemorySegment cudaGetErrorName(int error) {
        try {
            return (MemorySegment) cudaGetErrorName.HANDLE.invokeExact(error);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    // ---- memory ----------------------------------------------------------------------------------------------------

    private static final class cudaMalloc {
        static final MethodHandle HANDLE = Linking.downcall("cudaMalloc", FunctionDescriptor.of(C_INT, C_POINTER, C_LONG));
    }

    /** {@code cudaError_t cudaMalloc(void **devPtr, size_t size)} */
    public static int cudaMalloc(MemorySegment devPtr, long size) {
        try {
            return (int) cudaMalloc.HANDLE.invokeExact(devPtr, size);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaFree {
        static final MethodHandle HANDLE = Linking.downcall("cudaFree", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code cudaError_t cudaFree(void *devPtr)} */
    public static int cudaFree(MemorySegment devPtr) {
        try {
            return (int) cudaFree.HANDLE.invokeExact(devPtr);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaMallocHost {
        static final MethodHandle HANDLE = Linking.downcall("cudaMallocHost", FunctionDescriptor.of(C_INT, C_POINTER, C_LONG));
    }

    /** {@code cudaError_t cudaMallocHost(void **ptr, size_t size)}: page-locked host memory. */
    public static int cudaMallocHost(MemorySegment ptr, long size) {
        try {
            return (int) cudaMallocHost.HANDLE.invokeExact(ptr, size);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaFreeHost {
        static final MethodHandle HANDLE = Linking.downcall("cudaFreeHost", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code cudaError_t cudaFreeHost(void *ptr)} */
    public static int cudaFreeHost(MemorySegment ptr) {
        try {
            return (int) cudaFreeHost.HANDLE.invokeExact(ptr);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaMemcpy {
        static final MethodHandle HANDLE = Linking.downcall("cudaMemcpy",
                FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG, C_INT));
    }

    /** {@code cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)} */
    public static int cudaMemcpy(MemorySegment dst, MemorySegment src, long count, int kind) {
        try {
            return (int) cudaMemcpy.HANDLE.invokeExact(dst, src, count, kind);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaMemcpyAsync {
        static final MethodHandle HANDLE = Linking.downcall("cudaMemcpyAsync",
                FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG, C_INT, C_POINTER));
    }

    /** {@code cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind, cudaStream_t stream)} */
    public static int cudaMemcpyAsync(MemorySegment dst, MemorySegment src, long count, int kind,
                                      MemorySegment stream) {
        try {
            return (int) cudaMemcpyAsync.HANDLE.invokeExact(dst, src, count, kind, stream);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaMemset {
        static final MethodHandle HANDLE = Linking.downcall("cudaMemset", FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_LONG));
    }

    /** {@code cudaError_t cudaMemset(void *devPtr, int value, size_t count)} */
    public static int cudaMemset(MemorySegment devPtr, int value, long count) {
        try {
            return (int) cudaMemset.HANDLE.invokeExact(devPtr, value, count);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaMemsetAsync {
        static final MethodHandle HANDLE = Linking.downcall("cudaMemsetAsync",
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_LONG, C_POINTER));
    }

    /** {@code cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream)} */
    public static int cudaMemsetAsync(MemorySegment devPtr, int value, long count, MemorySegment stream) {
        try {
            return (int) cudaMemsetAsync.HANDLE.invokeExact(devPtr, value, count, stream);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    // ---- streams and events ----------------------------------------------------------------------------------------

    private static final class cudaStreamCreateWithFlags {
        static final MethodHandle HANDLE = Linking.downcall("cudaStreamCreateWithFlags",
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    }

    /** {@code cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)} */
    public static int cudaStreamCreateWithFlags(MemorySegment pStream, int flags) {
        try {
            return (int) cudaStreamCreateWithFlags.HANDLE.invokeExact(pStream, flags);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaStreamDestroy {
        static final MethodHandle HANDLE = Linking.downcall("cudaStreamDestroy", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code cudaError_t cudaStreamDestroy(cudaStream_t stream)} */
    public static int cudaStreamDestroy(MemorySegment stream) {
        try {
            return (int) cudaStreamDestroy.HANDLE.invokeExact(stream);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaStreamSynchronize {
        static final MethodHandle HANDLE = Linking.downcall("cudaStreamSynchronize", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code cudaError_t cudaStreamSynchronize(cudaStream_t stream)} */
    public static int cudaStreamSynchronize(MemorySegment stream) {
        try {
            return (int) cudaStreamSynchronize.HANDLE.invokeExact(stream);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaEventCreateWithFlags {
        static final MethodHandle HANDLE = Linking.downcall("cudaEventCreateWithFlags",
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    }

    /** {@code cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned int flags)} */
    public static int cudaEventCreateWithFlags(MemorySegment event, int flags) {
        try {
            return (int) cudaEventCreateWithFlags.HANDLE.invokeExact(event, flags);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaEventDestroy {
        static final MethodHandle HANDLE = Linking.downcall("cudaEventDestroy", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code cudaError_t cudaEventDestroy(cudaEvent_t event)} */
    public static int cudaEventDestroy(MemorySegment event) {
        try {
            return (int) cudaEventDestroy.HANDLE.invokeExact(event);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaEventRecord {
        static final MethodHandle HANDLE = Linking.downcall("cudaEventRecord", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    }

    /** {@code cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream)} */
    public static int cudaEventRecord(MemorySegment event, MemorySegment stream) {
        try {
            return (int) cudaEventRecord.HANDLE.invokeExact(event, stream);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaEventSynchronize {
        static final MethodHandle HANDLE = Linking.downcall("cudaEventSynchronize", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code cudaError_t cudaEventSynchronize(cudaEvent_t event)} */
    public static int cudaEventSynchronize(MemorySegment event) {
        try {
            return (int) cudaEventSynchronize.HANDLE.invokeExact(event);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cudaEventElapsedTime {
        static final MethodHandle HANDLE = Linking.downcall("cudaEventElapsedTime",
                FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER));
    }

    /** {@code cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)} */
    public static int cudaEventElapsedTime(MemorySegment ms, MemorySegment start, MemorySegment end) {
        try {
            return (int) cudaEventElapsedTime.HANDLE.invokeExact(ms, start, end);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }
}
