package dev.ida4j.tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of a {@link TensorLayout} as views into one block ({@link #all()}). A set may be larger than one
 * tensor can index (2³¹ - 1 elements: GPT-2 small's activations at batch 8 × 1024 are about 2.5 billion); its
 * tensors are still views of the one block, but it has no flat tensor.
 */
public final class TensorSet {
    private final String name;
    private final TensorLayout layout;
    private final Tensor all;
    private final Map<String, Tensor> byName = new LinkedHashMap<>();

    TensorSet(String name, TensorLayout layout, MemorySegment block, TensorArena arena) {
        this.name = name;
        this.layout = layout;
        long elements = layout.elements();
        this.all = elements <= Integer.MAX_VALUE
                ? new Tensor(name, DType.F32, new int[] {(int) elements}, block, arena)
                : null;
        for (TensorLayout.Entry e : layout.entries()) {
            MemorySegment slice = block.asSlice(e.offset() * DType.F32.bytes(), e.numel() * DType.F32.bytes());
            byName.put(e.name(), new Tensor(name + "." + e.name(), DType.F32, e.shape().clone(), slice, arena));
        }
    }

    public String name() {
        return name;
    }

    public TensorLayout layout() {
        return layout;
    }

    /**
     * The whole block as one flat tensor (padding included, always zero unless written through it).
     *
     * @throws IllegalStateException when the set has more elements than one tensor can index
     */
    public Tensor all() {
        if (all == null) {
            throw new IllegalStateException("set '" + name + "' has " + layout.elements()
                    + " elements, more than one flat tensor can index (" + Integer.MAX_VALUE + "): use its tensors");
        }
        return all;
    }

    public Tensor get(String tensorName) {
        Tensor t = byName.get(tensorName);
        if (t == null) {
            throw new IllegalArgumentException("no tensor '" + tensorName + "' in set '" + name + "'");
        }
        return t;
    }

    public List<Tensor> tensors() {
        return new ArrayList<>(byName.values());
    }
}
