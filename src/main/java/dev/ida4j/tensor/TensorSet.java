package dev.ida4j.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tensors of a {@link TensorLayout} as views into one block ({@link #all()}). */
public final class TensorSet {
    private final String name;
    private final TensorLayout layout;
    private final Tensor all;
    private final Map<String, Tensor> byName = new LinkedHashMap<>();

    TensorSet(String name, TensorLayout layout, Tensor all) {
        this.name = name;
        this.layout = layout;
        this.all = all;
        for (TensorLayout.Entry e : layout.entries()) {
            byName.put(e.name(), all.view(name + "." + e.name(), e.offset(), e.shape()));
        }
    }

    public String name() {
        return name;
    }

    public TensorLayout layout() {
        return layout;
    }

    /** The whole block as one flat tensor (padding included, always zero unless written through it). */
    public Tensor all() {
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
