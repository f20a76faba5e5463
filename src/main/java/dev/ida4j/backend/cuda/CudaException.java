package dev.ida4j.backend.cuda;

/**
 * A failed CUDA, driver or cuBLAS call, naming the call, the status code and its name and description.
 *
 * <p>{@link #sticky()} errors (illegal address, launch failure, illegal instruction, misaligned address, device
 * assert, ECC and the like) corrupt the CUDA context: every later call fails the same way, and only a new process
 * can use the GPU again. A caller that sees one must stop and exit (the CLI exits with code 3, so a supervisor
 * restarts from the last checkpoint); the others (out of memory, an invalid value) leave the device usable.
 */
public final class CudaException extends RuntimeException {
    private final String call;
    private final int status;
    private final boolean sticky;

    CudaException(String call, int status, String name, String description, boolean sticky) {
        super(call + " failed: " + name + " (" + status + "): " + description
                + (sticky ? "; the CUDA context is lost: the process must exit and restart" : ""));
        this.call = call;
        this.status = status;
        this.sticky = sticky;
    }

    CudaException(String call, String message) {
        super(call + ": " + message);
        this.call = call;
        this.status = 0;
        this.sticky = false;
    }

    /** The failing call, for example {@code cudaMalloc} or {@code cuLaunchKernel(layernorm_forward)}. */
    public String call() {
        return call;
    }

    /** The cudaError_t, CUresult or cublasStatus_t code (0 for errors found by ida4j itself). */
    public int status() {
        return status;
    }

    /** Whether the CUDA context is lost (see the class comment). */
    public boolean sticky() {
        return sticky;
    }
}
