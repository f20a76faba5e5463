package dev.ida4j.backend.cuda;

import static dev.ida4j.backend.cuda.Status.runtime;

import dev.ida4j.bindings.CudaRuntime;
import dev.ida4j.tensor.Allocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * GPU memory for one {@link dev.ida4j.tensor.TensorArena}: each block is a {@code cudaMalloc} (256-byte aligned),
 * zeroed on the device's stream, and handed out as a segment that only carries the device address and size (the
 * host must never dereference it: {@link #hostAccessible()} is false). Closing frees every block.
 */
final class DeviceAllocator implements Allocator {
    private final CudaDevice device;
    private final String name;
    private final List<MemorySegment> blocks = new ArrayList<>();

    DeviceAllocator(CudaDevice device) {
        this.device = device;
        this.name = "cuda:" + device.ordinal();
    }

    @Override
    public MemorySegment allocate(long bytes) {
        device.bind();
        long size = Math.max(bytes, 1);
        MemorySegment block;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            int rc = CudaRuntime.cudaMalloc(out, size);
            if (rc == CudaRuntime.cudaErrorMemoryAllocation()) {
                CudaRuntime.cudaGetLastError(); // out of memory is not sticky: clear it so later calls do not see it
                throw outOfMemory(size, arena);
            }
            runtime(rc, "cudaMalloc(" + size + " bytes)");
            block = out.get(ValueLayout.ADDRESS, 0).reinterpret(size);
        }
        blocks.add(block);
        runtime(CudaRuntime.cudaMemsetAsync(block, 0, size, device.stream()), "cudaMemsetAsync");
        return block;
    }

    /** "cudaMalloc: out of GPU memory on cuda:0: 6.0 GiB requested, 1.2 GiB free of 79.1 GiB". */
    private CudaException outOfMemory(long size, Arena arena) {
        MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
        String where = CudaRuntime.cudaMemGetInfo(free, total) == 0
                ? gib(free.get(ValueLayout.JAVA_LONG, 0)) + " free of " + gib(total.get(ValueLayout.JAVA_LONG, 0))
                : "free memory unknown";
        return new CudaException("cudaMalloc", "out of GPU memory on " + name + ": " + size + " bytes ("
                + gib(size) + ") requested, " + where);
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    @Override
    public boolean hostAccessible() {
        return false;
    }

    @Override
    public String device() {
        return name;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        try {
            device.synchronize(); // no queued kernel may still use a block being freed
        } catch (RuntimeException e) {
            first = e;
        }
        for (MemorySegment block : blocks) {
            try {
                runtime(CudaRuntime.cudaFree(block), "cudaFree");
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        blocks.clear();
        if (first != null) {
            throw first;
        }
    }
}
