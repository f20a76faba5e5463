package dev.ida4j.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixed offsets of named F32 tensors inside one block. Parameters, gradients and each optimizer state share one
 * layout, so element i of the block means the same weight in all of them and the optimizer is one flat loop.
 *
 * <pre>
 *   block: | wte ........ | pad | wpe .... | pad | ln1.w | pad | ... |
 *          0              ^ every tensor starts at a multiple of 16 floats (64 bytes: one AVX-512 vector)
 * </pre>
 */
public final class TensorLayout {
    /** Alignment of each tensor's start, in elements. */
    public static final int ALIGN = 16;

    /** One named tensor of the layout. */
    public record Entry(String name, int[] shape, long offset, long numel) {
        @Override
        public String toString() {
            return name + Arrays.toString(shape) + "@" + offset;
        }
    }

    private final List<Entry> entries;
    private final Map<String, Entry> byName;
    private final long elements;

    private TensorLayout(List<Entry> entries, long elements) {
        this.entries = List.copyOf(entries);
        this.byName = new LinkedHashMap<>();
        for (Entry e : entries) {
            byName.put(e.name(), e);
        }
        this.elements = elements;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Entry> entries() {
        return entries;
    }

    public Entry entry(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in layout " + byName.keySet());
        }
        return e;
    }

    /** Elements of the whole block, padding included. */
    public long elements() {
        return elements;
    }

    /** Elements of the tensors, padding excluded (the parameter count). */
    public long tensorElements() {
        long n = 0;
        for (Entry e : entries) {
            n += e.numel();
        }
        return n;
    }

    /** Collects entries in order. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private final Map<String, Boolean> names = new LinkedHashMap<>();
        private long next;

        public Builder add(String name, int... shape) {
            if (names.put(name, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + name + "' in layout");
            }
            long numel = Tensor.numel(name, shape);
            entries.add(new Entry(name, shape.clone(), next, numel));
            next += (numel + ALIGN - 1) / ALIGN * ALIGN;
            return this;
        }

        public TensorLayout build() {
            return new TensorLayout(entries, Math.max(next, ALIGN));
        }
    }
}
