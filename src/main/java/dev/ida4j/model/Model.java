package dev.ida4j.model;

import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.TensorSet;
import java.util.List;

/**
 * What the loop, the optimizer, an EMA and a checkpoint need of a model: its trainable parameters, the gradients
 * laid out like them, its whole state (the parameters, then any running statistics such as BatchNorm's), and the
 * backend its memory lives on.
 */
public interface Model extends AutoCloseable {
    /** Trainable parameters, one block. */
    TensorSet params();

    /** Gradients, laid out like {@link #params()}. */
    TensorSet grads();

    /** What an EMA teacher or a checkpoint copies: {@link #params()} first, then any state not trained. */
    List<TensorSet> state();

    Backend backend();

    @Override
    void close();
}
