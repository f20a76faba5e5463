package dev.ida4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint that could not be written (the previous ones are untouched) or that was refused on load (nothing
 * was filled). The message names the file, the tensor if one, and what is wrong; a training loop can log it and
 * go on.
 */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }

    CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }

    CheckpointException(Path file, String tensor, String problem) {
        this(file, "tensor '" + tensor + "': " + problem);
    }
}
