package dev.ida4j.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that breaks the format; the message names the file, the tensor if one, and what is wrong. */
public final class SafeTensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    SafeTensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }

    SafeTensorsException(Path file, String tensor, String problem) {
        this(file, "tensor '" + tensor + "': " + problem);
    }
}
