package dev.ida4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Host memory from one shared FFM arena: any thread may use the blocks, all are freed when the arena closes. */
public final class HostAllocator implements Allocator {
    /** Cache line and AVX-512 vector alignment. */
    private static final long ALIGNMENT = 64;

    private final Arena arena = Arena.ofShared();

    @Override
    public MemorySegment allocate(long bytes) {
        // Arena.allocate zero-fills, so fresh tensors read as 0.
        return arena.allocate(Math.max(bytes, 1), ALIGNMENT);
    }

    @Override
    public boolean hostAccessible() {
        return true;
    }

    @Override
    public String device() {
        return "cpu";
    }

    @Override
    public void close() {
        arena.close();
    }
}
