package dev.ida4j.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Raw memory of one device for a {@link TensorArena}: hands out blocks and frees them all at once.
 * The host allocator returns ordinary native segments; a device allocator returns segments whose address is a
 * device pointer and which must never be dereferenced on the host ({@link #hostAccessible()} is false).
 */
public interface Allocator extends AutoCloseable {

    /** A new zero-filled block of {@code bytes} bytes, aligned to at least 64 bytes. */
    MemorySegment allocate(long bytes);

    /** Whether the host may read and write the blocks directly. */
    boolean hostAccessible();

    /** Short device name used in messages, for example "cpu" or "cuda:0". */
    String device();

    /** Frees every block this allocator handed out. */
    @Override
    void close();
}
