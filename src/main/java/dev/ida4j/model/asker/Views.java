package dev.ida4j.model.asker;

import dev.ida4j.tensor.Tensor;

/**
 * Prefix views: H′'s buffers are allocated for a capacity of N transcripts, row-major with the transcript first, so
 * the first n transcripts of any (N, ...) buffer are its first n/N elements. The backend checks element counts, so a
 * flat view of the right length is a valid (n, ...) argument.
 */
final class Views {
    private Views() {
    }

    /** The first {@code numel} elements of {@code t}. */
    static Tensor head(Tensor t, long numel) {
        return numel == t.numel() ? t : t.view(t.name(), 0, Math.toIntExact(numel));
    }

    /** Row {@code row} (of width {@code width}) of {@code t}. */
    static Tensor row(Tensor t, int row, int width) {
        return t.view(t.name() + "[" + row + "]", (long) row * width, width);
    }
}
