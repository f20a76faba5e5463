package dev.ida4j.checkpoint;

import dev.ida4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/** The tensors of one checkpoint file keyed by {@link Tensor#name()}, which is the name they have in the file. */
final class NamedTensors {
    private NamedTensors() {
    }

    /** {@code tensors} by name, in order; two with one name are an error naming {@code file} and the name. */
    static SequencedMap<String, Tensor> of(Path file, List<Tensor> tensors) {
        SequencedMap<String, Tensor> byName = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            if (byName.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException(file + ": two tensors are named '" + t.name() + "'");
            }
        }
        return byName;
    }
}
