package dev.ida4j.backend.cuda;

import static dev.ida4j.backend.cuda.Status.cublas;
import static dev.ida4j.backend.cuda.Status.driver;
import static dev.ida4j.backend.cuda.Status.runtime;

import dev.ida4j.backend.DeviceUnavailableException;
import dev.ida4j.backend.cuda.CudaLibraries.Library;
import dev.ida4j.bindings.Cublas;
import dev.ida4j.bindings.CudaDriver;
import dev.ida4j.bindings.CudaRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One GPU as the backend uses it: its primary context (shared with the CUDA runtime and cuBLAS), one non-blocking
 * stream that all work is queued on in order, and one cuBLAS handle bound to that stream.
 *
 * <p>A CUDA context is current per OS thread. The backend is used by one thread at a time, but not always the same
 * one (and a virtual thread may move between carriers), so {@link #bind()} makes the context current again when the
 * calling thread changed or is virtual.
 */
final class CudaDevice implements AutoCloseable {
    /** Whether this machine can run CUDA work, and if not, why: the outcome of {@code cudaGetDeviceCount}. */
    record Probe(int devices, String problem) {
        boolean available() {
            return problem == null;
        }
    }

    private final int ordinal;
    private final int cuDevice;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final MemorySegment blas;
    private final String name;
    private final int computeCapability;
    private final int multiprocessors;
    private Thread boundThread;
    private boolean closed;

    private CudaDevice(int ordinal, int cuDevice, MemorySegment context, MemorySegment stream, MemorySegment blas,
                       String name, int computeCapability, int multiprocessors) {
        this.ordinal = ordinal;
        this.cuDevice = cuDevice;
        this.context = context;
        this.stream = stream;
        this.blas = blas;
        this.name = name;
        this.computeCapability = computeCapability;
        this.multiprocessors = multiprocessors;
        this.boundThread = Thread.currentThread();
    }

    /** Loads the runtime and counts devices; never throws for an absent GPU, driver or runtime library. */
    static Probe probe(CudaLibraries libs) {
        try {
            // the runtime dlopens libcuda.so.1 itself, through the loader path only; loaded first from wherever the
            // search found it (WSL keeps it in /usr/lib/wsl/lib, say), the runtime finds it already there
            if (libs.find(Library.DRIVER).isPresent()) {
                libs.load(Library.DRIVER);
            }
            libs.load(Library.RUNTIME);
        } catch (DeviceUnavailableException e) {
            return new Probe(0, e.getMessage());
        } catch (UnsatisfiedLinkError e) {
            return new Probe(0, "cannot load " + Library.RUNTIME.soname() + ": " + e.getMessage());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            int rc = CudaRuntime.cudaGetDeviceCount(count);
            if (rc != 0) {
                // cudaErrorInsufficientDriver (35) here means no driver at all: the usual state of a CPU machine
                return new Probe(0, "cudaGetDeviceCount: error " + rc + " "
                        + Status.text(CudaRuntime.cudaGetErrorName(rc)) + ", "
                        + Status.text(CudaRuntime.cudaGetErrorString(rc)));
            }
            int n = count.get(ValueLayout.JAVA_INT, 0);
            return n > 0 ? new Probe(n, null) : new Probe(0, "cudaGetDeviceCount: 0 devices");
        }
    }

    /**
     * Opens device {@code ordinal}.
     *
     * @throws DeviceUnavailableException when there is no such device or a library is missing
     */
    static CudaDevice open(int ordinal, CudaLibraries libs) {
        Probe probe = probe(libs);
        if (!probe.available()) {
            throw new DeviceUnavailableException("no CUDA device (" + probe.problem() + ")");
        }
        if (ordinal < 0 || ordinal >= probe.devices()) {
            throw new DeviceUnavailableException("no CUDA device " + ordinal + ": this machine has "
                    + probe.devices());
        }
        try {
            libs.load(Library.DRIVER, Library.CUBLAS_LT, Library.CUBLAS);
        } catch (UnsatisfiedLinkError e) {
            throw new DeviceUnavailableException("cannot load the CUDA libraries: " + e.getMessage());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ptr = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment i32 = arena.allocate(ValueLayout.JAVA_INT);
            runtime(CudaRuntime.cudaSetDevice(ordinal), "cudaSetDevice(" + ordinal + ")");
            driver(CudaDriver.cuInit(0), "cuInit");
            driver(CudaDriver.cuDeviceGet(i32, ordinal), "cuDeviceGet(" + ordinal + ")");
            int cuDevice = i32.get(ValueLayout.JAVA_INT, 0);
            driver(CudaDriver.cuDevicePrimaryCtxRetain(ptr, cuDevice), "cuDevicePrimaryCtxRetain");
            MemorySegment context = ptr.get(ValueLayout.ADDRESS, 0);
            driver(CudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            runtime(CudaRuntime.cudaStreamCreateWithFlags(ptr, CudaRuntime.cudaStreamNonBlocking()),
                    "cudaStreamCreateWithFlags");
            MemorySegment stream = ptr.get(ValueLayout.ADDRESS, 0);
            cublas(Cublas.cublasCreate_v2(ptr), "cublasCreate_v2");
            MemorySegment blas = ptr.get(ValueLayout.ADDRESS, 0);
            cublas(Cublas.cublasSetStream_v2(blas, stream), "cublasSetStream_v2");
            MemorySegment chars = arena.allocate(256);
            driver(CudaDriver.cuDeviceGetName(chars, 256, cuDevice), "cuDeviceGetName");
            int major = attribute(i32, CudaRuntime.cudaDevAttrComputeCapabilityMajor(), ordinal);
            int minor = attribute(i32, CudaRuntime.cudaDevAttrComputeCapabilityMinor(), ordinal);
            int sms = attribute(i32, CudaRuntime.cudaDevAttrMultiProcessorCount(), ordinal);
            return new CudaDevice(ordinal, cuDevice, context, stream, blas, chars.getString(0), major * 10 + minor,
                    sms);
        }
    }

    private static int attribute(MemorySegment out, int attr, int ordinal) {
        runtime(CudaRuntime.cudaDeviceGetAttribute(out, attr, ordinal), "cudaDeviceGetAttribute(" + attr + ")");
        return out.get(ValueLayout.JAVA_INT, 0);
    }

    /** Makes this device's context current on the calling thread (cheap when it already is). */
    void bind() {
        Thread me = Thread.currentThread();
        if (me != boundThread || me.isVirtual()) {
            driver(CudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            boundThread = me;
        }
    }

    int ordinal() {
        return ordinal;
    }

    int multiprocessors() {
        return multiprocessors;
    }

    MemorySegment stream() {
        return stream;
    }

    MemorySegment blas() {
        return blas;
    }

    /** For example "NVIDIA H100 80GB HBM3, sm_90, 132 SMs". */
    String describe() {
        return name + ", sm_" + computeCapability + ", " + multiprocessors + " SMs";
    }

    /** Waits for the stream; a kernel fault queued earlier surfaces here. */
    void synchronize() {
        bind();
        runtime(CudaRuntime.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        bind();
        // release in reverse order; a sticky error makes these fail too, and then there is nothing left to save
        int sync = CudaRuntime.cudaStreamSynchronize(stream);
        cublas(Cublas.cublasDestroy_v2(blas), "cublasDestroy_v2");
        runtime(CudaRuntime.cudaStreamDestroy(stream), "cudaStreamDestroy");
        driver(CudaDriver.cuDevicePrimaryCtxRelease_v2(cuDevice), "cuDevicePrimaryCtxRelease");
        runtime(sync, "cudaStreamSynchronize");
    }
}
