// Hand-written in jextract's shape from cuda.h (CUDA 13.0), limited to the functions and constants in
// bindings/includes/cuda_driver.txt. bindings/regenerate.sh replaces this file with jextract's output where jextract
// exists; the public surface (C names as cuda.h's macros resolve them, int CUresult returns) is the same.
package dev.ida4j.bindings;

import static dev.ida4j.bindings.Linking.C_INT;
import static dev.ida4j.bindings.Linking.C_POINTER;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The CUDA driver API ({@code libcuda.so.1}, installed with the GPU driver): contexts, modules loaded from fatbin
 * images, kernel launches. Symbols come from {@code SymbolLookup.loaderLookup()} (load the library first). Every
 * function returns its {@code CUresult} as an int (0 is CUDA_SUCCESS; the codes match cudaError's for the sticky
 * errors, e.g. 700 illegal address, 719 launch failed).
 */
public final class CudaDriver {
    private CudaDriver() {
    }

    public static int CUDA_SUCCESS() { return 0; }
    public static int CUDA_ERROR_OUT_OF_MEMORY() { return 2; }
    public static int CUDA_ERROR_NO_DEVICE() { return 100; }
    public static int CUDA_ERROR_NO_BINARY_FOR_GPU() { return 209; }
    public static int CUDA_ERROR_NOT_FOUND() { return 500; }
    public static int CUDA_ERROR_ILLEGAL_ADDRESS() { return 700; }
    public static int CUDA_ERROR_LAUNCH_FAILED() { return 719; }

    private static final class cuInit {
        static final MethodHandle HANDLE = Linking.downcall("cuInit", FunctionDescriptor.of(C_INT, C_INT));
    }

    /** {@code CUresult cuInit(unsigned int Flags)} */
    public static int cuInit(int flags) {
        try {
            return (int) cuInit.HANDLE.invokeExact(flags);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuDriverGetVersion {
        static final MethodHandle HANDLE = Linking.downcall("cuDriverGetVersion", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code CUresult cuDriverGetVersion(int *driverVersion)} */
    public static int cuDriverGetVersion(MemorySegment driverVersion) {
        try {
            return (int) cuDriverGetVersion.HANDLE.invokeExact(driverVersion);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuDeviceGet {
        static final MethodHandle HANDLE = Linking.downcall("cuDeviceGet", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    }

    /** {@code CUresult cuDeviceGet(CUdevice *device, int ordinal)} */
    public static int cuDeviceGet(MemorySegment device, int ordinal) {
        try {
            return (int) cuDeviceGet.HANDLE.invokeExact(device, ordinal);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuDeviceGetName {
        static final MethodHandle HANDLE = Linking.downcall("cuDeviceGetName", FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT));
    }

    /** {@code CUresult cuDeviceGetName(char *name, int len, CUdevice dev)} */
    public static int cuDeviceGetName(MemorySegment name, int len, int dev) {
        try {
            return (int) cuDeviceGetName.HANDLE.invokeExact(name, len, dev);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuDevicePrimaryCtxRetain {
        static final MethodHandle HANDLE = Linking.downcall("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    }

    /** {@code CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)} */
    public static int cuDevicePrimaryCtxRetain(MemorySegment pctx, int dev) {
        try {
            return (int) cuDevicePrimaryCtxRetain.HANDLE.invokeExact(pctx, dev);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuDevicePrimaryCtxRelease_v2 {
        static final MethodHandle HANDLE = Linking.downcall("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(C_INT, C_INT));
    }

    /** {@code CUresult cuDevicePrimaryCtxRelease(CUdevice dev), versioned _v2 by cuda.h} */
    public static int cuDevicePrimaryCtxRelease_v2(int dev) {
        try {
            return (int) cuDevicePrimaryCtxRelease_v2.HANDLE.invokeExact(dev);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuCtxSetCurrent {
        static final MethodHandle HANDLE = Linking.downcall("cuCtxSetCurrent", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code CUresult cuCtxSetCurrent(CUcontext ctx)} */
    public static int cuCtxSetCurrent(MemorySegment ctx) {
        try {
            return (int) cuCtxSetCurrent.HANDLE.invokeExact(ctx);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuCtxGetCurrent {
        static final MethodHandle HANDLE = Linking.downcall("cuCtxGetCurrent", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code CUresult cuCtxGetCurrent(CUcontext *pctx)} */
    public static int cuCtxGetCurrent(MemorySegment pctx) {
        try {
            return (int) cuCtxGetCurrent.HANDLE.invokeExact(pctx);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuModuleLoadData {
        static final MethodHandle HANDLE = Linking.downcall("cuModuleLoadData", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    }

    /** {@code CUresult cuModuleLoadData(CUmodule *module, const void *image): a cubin, PTX or fatbin image} */
    public static int cuModuleLoadData(MemorySegment module, MemorySegment image) {
        try {
            return (int) cuModuleLoadData.HANDLE.invokeExact(module, image);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuModuleUnload {
        static final MethodHandle HANDLE = Linking.downcall("cuModuleUnload", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    /** {@code CUresult cuModuleUnload(CUmodule hmod)} */
    public static int cuModuleUnload(MemorySegment hmod) {
        try {
            return (int) cuModuleUnload.HANDLE.invokeExact(hmod);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuModuleGetFunction {
        static final MethodHandle HANDLE = Linking.downcall("cuModuleGetFunction", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER));
    }

    /** {@code CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name)} */
    public static int cuModuleGetFunction(MemorySegment hfunc, MemorySegment hmod, MemorySegment name) {
        try {
            return (int) cuModuleGetFunction.HANDLE.invokeExact(hfunc, hmod, name);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuLaunchKernel {
        static final MethodHandle HANDLE = Linking.downcall("cuLaunchKernel",
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER));
    }

    /** {@code CUresult cuLaunchKernel(CUfunction f, unsigned gridDimX, gridDimY, gridDimZ, unsigned blockDimX, blockDimY, blockDimZ, unsigned sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)} */
    public static int cuLaunchKernel(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream, MemorySegment kernelParams, MemorySegment extra) {
        try {
            return (int) cuLaunchKernel.HANDLE.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams, extra);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuGetErrorString {
        static final MethodHandle HANDLE = Linking.downcall("cuGetErrorString", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
    }

    /** {@code CUresult cuGetErrorString(CUresult error, const char **pStr)} */
    public static int cuGetErrorString(int error, MemorySegment pStr) {
        try {
            return (int) cuGetErrorString.HANDLE.invokeExact(error, pStr);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }

    private static final class cuGetErrorName {
        static final MethodHandle HANDLE = Linking.downcall("cuGetErrorName", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
    }

    /** {@code CUresult cuGetErrorName(CUresult error, const char **pStr)} */
    public static int cuGetErrorName(int error, MemorySegment pStr) {
        try {
            return (int) cuGetErrorName.HANDLE.invokeExact(error, pStr);
        } catch (Throwable t) {
            throw Linking.rethrow(t);
        }
    }
}
