package dev.ida4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A named, typed, contiguous view of memory owned by a {@link TensorArena}. Tensors are never strided: a
 * sub-tensor is a contiguous {@link #view view} at an element offset, which is how parameters, gradients and
 * optimizer state share one block each (llm.c style).
 *
 * <p>Host accessors ({@link #get}, {@link #set}, {@link #copyFrom}, {@link #toFloatArray}) are for tests, I/O and
 * set-up; backends read {@link #segment()} directly. Any access after the arena closed throws
 * {@link IllegalStateException} naming the tensor and its arena.
 */
public final class Tensor {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;

    private final String name;
    private final DType dtype;
    private final int[] shape;
    private final long numel;
    private final MemorySegment segment;
    private final TensorArena arena;

    Tensor(String name, DType dtype, int[] shape, MemorySegment segment, TensorArena arena) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.numel = numel(name, shape);
        this.segment = segment;
        this.arena = arena;
    }

    static long numel(String name, int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The memory of this tensor, exactly {@code numel * dtype.bytes()} bytes long. */
    public MemorySegment segment() {
        arena.checkOpen(name);
        return segment;
    }

    /** A contiguous sub-tensor of {@code shape} starting {@code offset} elements into this one. */
    public Tensor view(String viewName, long offset, int... viewShape) {
        long n = numel(viewName, viewShape);
        if (offset < 0 || offset + n > numel) {
            throw new IllegalArgumentException("view '" + viewName + "' " + Arrays.toString(viewShape) + " at offset "
                    + offset + " does not fit in tensor '" + name + "' " + shapeString());
        }
        arena.checkOpen(name);
        MemorySegment slice = segment.asSlice(offset * dtype.bytes(), n * dtype.bytes());
        return new Tensor(viewName, dtype, viewShape.clone(), slice, arena);
    }

    /** The same memory seen with another shape of the same element count. */
    public Tensor reshape(int... newShape) {
        if (numel(name, newShape) != numel) {
            throw new IllegalArgumentException("cannot reshape tensor '" + name + "' " + shapeString() + " to "
                    + Arrays.toString(newShape));
        }
        return new Tensor(name, dtype, newShape.clone(), segment, arena);
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public long numel() {
        return numel;
    }

    public TensorArena arena() {
        return arena;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    public float get(long i) {
        return hostSegment().getAtIndex(F32, i);
    }

    public void set(long i, float v) {
        hostSegment().setAtIndex(F32, i, v);
    }

    public int getInt(long i) {
        return hostSegment().getAtIndex(I32, i);
    }

    public void setInt(long i, int v) {
        hostSegment().setAtIndex(I32, i, v);
    }

    public Tensor copyFrom(float[] values) {
        checkLength(values.length);
        MemorySegment.copy(values, 0, hostSegment(), F32, 0, values.length);
        return this;
    }

    public Tensor copyFrom(int[] values) {
        checkLength(values.length);
        MemorySegment.copy(values, 0, hostSegment(), I32, 0, values.length);
        return this;
    }

    public float[] toFloatArray() {
        return hostSegment().toArray(ValueLayout.JAVA_FLOAT);
    }

    public int[] toIntArray() {
        return hostSegment().toArray(ValueLayout.JAVA_INT);
    }

    private void checkLength(int length) {
        if (length != numel) {
            throw new IllegalArgumentException("tensor '" + name + "' " + shapeString() + " holds " + numel
                    + " elements, not " + length);
        }
    }

    private MemorySegment hostSegment() {
        MemorySegment s = segment();
        if (!arena.hostAccessible()) {
            throw new IllegalStateException("tensor '" + name + "' lives on " + arena.device()
                    + ": copy it to the host through its backend");
        }
        return s;
    }

    @Override
    public String toString() {
        return name + shapeString() + ":" + dtype;
    }
}
