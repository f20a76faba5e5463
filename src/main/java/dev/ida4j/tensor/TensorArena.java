package dev.ida4j.tensor;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner of a group of tensors that live and die together (a model's parameters, a run's activations).
 * Closing the arena frees every block; a tensor used afterwards fails with a message naming it.
 *
 * <p>Every byte handed out is counted in {@link #liveBytes()} until its arena closes, so tests can prove that a
 * training step allocates no native memory and that closed arenas give all of it back.
 */
public final class TensorArena implements AutoCloseable {
    private static final AtomicLong LIVE_BYTES = new AtomicLong();
    private static final AtomicLong ALLOCATIONS = new AtomicLong();

    private final String name;
    private final Allocator allocator;
    private long bytes;
    private volatile boolean open = true;

    public TensorArena(String name, Allocator allocator) {
        this.name = name;
        this.allocator = allocator;
    }

    /** A host arena (for tests and CPU work). */
    public static TensorArena host(String name) {
        return new TensorArena(name, new HostAllocator());
    }

    /** A new tensor of the given shape, zero-filled, in a block of its own. */
    public synchronized Tensor allocate(String tensorName, DType dtype, int... shape) {
        long numel = Tensor.numel(tensorName, shape);
        return new Tensor(tensorName, dtype, shape.clone(), block(tensorName, numel * dtype.bytes()), this);
    }

    /** One block holding every tensor of {@code layout}, each a view at its fixed offset. */
    public synchronized TensorSet allocate(String setName, TensorLayout layout) {
        return new TensorSet(setName, layout, block(setName, layout.elements() * DType.F32.bytes()), this);
    }

    private MemorySegment block(String what, long byteSize) {
        checkOpen(what);
        MemorySegment segment = allocator.allocate(byteSize);
        bytes += byteSize;
        LIVE_BYTES.addAndGet(byteSize);
        ALLOCATIONS.incrementAndGet();
        return segment.byteSize() == byteSize ? segment : segment.asSlice(0, byteSize);
    }

    void checkOpen(String tensorName) {
        if (!open) {
            throw new IllegalStateException(
                    "tensor '" + tensorName + "' used after its arena '" + name + "' was closed");
        }
    }

    public String name() {
        return name;
    }

    public boolean isOpen() {
        return open;
    }

    public boolean hostAccessible() {
        return allocator.hostAccessible();
    }

    public String device() {
        return allocator.device();
    }

    /** Bytes this arena holds. */
    public synchronized long bytes() {
        return bytes;
    }

    /** Bytes held by all open arenas of the process. */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    /** Blocks ever allocated by any arena of the process (never decreases). */
    public static long allocationCount() {
        return ALLOCATIONS.get();
    }

    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        allocator.close();
        LIVE_BYTES.addAndGet(-bytes);
        bytes = 0;
    }

    @Override
    public String toString() {
        return "TensorArena[" + name + ", " + device() + ", " + bytes + " bytes" + (open ? "" : ", closed") + "]";
    }
}
