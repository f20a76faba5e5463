package dev.ida4j.backend.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Device scratch that grows to the largest request and then stays: attention's head-major copies and score
 * gradients. Growing waits for the stream (work queued earlier may still read the old block), so it happens only
 * in the first steps; after that a call allocates nothing.
 */
final class Workspace implements AutoCloseable {
    private final CudaDevice device;
    private DeviceAllocator allocator;
    private MemorySegment block;
    private long capacity;

    Workspace(CudaDevice device) {
        this.device = device;
    }

    /** At least {@code count} floats of device memory, valid until the next call. */
    MemorySegment floats(long count) {
        long bytes = count * Float.BYTES;
        if (bytes > capacity) {
            if (allocator != null) {
                allocator.close();
            }
            allocator = new DeviceAllocator(device);
            block = allocator.allocate(bytes);
            capacity = bytes;
        }
        return block;
    }

    /** Bytes held. */
    long capacity() {
        return capacity;
    }

    @Override
    public void close() {
        if (allocator != null) {
            allocator.close();
            allocator = null;
            capacity = 0;
        }
    }
}
