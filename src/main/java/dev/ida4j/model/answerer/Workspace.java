package dev.ida4j.model.answerer;

import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Activation memory sized once for a capacity (max contexts, facts, questions), handed out as views shaped for the
 * actual batch. Each tensor is declared with its shape as a function of {@link Dims}; the F32 ones share one block
 * (one {@link TensorLayout} at capacity), the I32 ones (token ids, targets) get a block each. A batch of the same
 * {@link Dims} reuses the same views, so a training step creates no objects; a new shape builds its views once.
 *
 * <p>A tensor's view for smaller dims is the prefix of its capacity slot: tensors that depend only on (b, f), such as
 * the encoded facts, therefore keep their contents across views with different q (context-encoding reuse).
 */
final class Workspace {
    private record Decl(String name, DType dtype, Function<Dims, int[]> shape) {
    }

    private final List<Decl> decls = new ArrayList<>();
    private final Dims capacity;
    private TensorLayout layout;
    private TensorSet f32;
    private final Map<String, Tensor> i32 = new HashMap<>();
    private final Map<Dims, Map<String, Tensor>> views = new HashMap<>();

    Workspace(Dims capacity) {
        this.capacity = capacity;
    }

    /** Declares an F32 tensor. */
    Workspace add(String name, Function<Dims, int[]> shape) {
        decls.add(new Decl(name, DType.F32, shape));
        return this;
    }

    /** Declares an I32 tensor. */
    Workspace addInt(String name, Function<Dims, int[]> shape) {
        decls.add(new Decl(name, DType.I32, shape));
        return this;
    }

    /** Allocates every declared tensor at capacity (once). */
    void allocate(TensorArena arena) {
        TensorLayout.Builder b = TensorLayout.builder();
        for (Decl d : decls) {
            if (d.dtype == DType.F32) {
                b.add(d.name, d.shape.apply(capacity));
            } else {
                i32.put(d.name, arena.allocate(d.name, DType.I32, d.shape.apply(capacity)));
            }
        }
        layout = b.build();
        f32 = arena.allocate("acts", layout);
    }

    /** Every declared tensor viewed with the shapes of {@code dims} (built on the first request for these dims). */
    Map<String, Tensor> views(Dims dims) {
        if (dims.b() > capacity.b() || dims.f() > capacity.f() || dims.q() > capacity.q()) {
            throw new IllegalArgumentException("batch " + dims + " exceeds the capacity " + capacity);
        }
        Map<String, Tensor> m = views.get(dims);
        if (m == null) {
            m = new HashMap<>();
            for (Decl d : decls) {
                int[] shape = d.shape.apply(dims);
                m.put(d.name, d.dtype == DType.F32
                        ? f32.all().view(d.name, layout.entry(d.name).offset(), shape)
                        : i32.get(d.name).view(d.name, 0, shape));
            }
            views.put(dims, m);
        }
        return m;
    }

    /** Elements of the F32 block. */
    long elements() {
        return layout.elements();
    }
}
