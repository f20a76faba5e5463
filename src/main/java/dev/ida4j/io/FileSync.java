package dev.ida4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes a file's bytes, or a directory's entries, durable. The checkpoint writer calls it for every file it wrote,
 * its temporary directory and the {@code checkpoints/} directory; tests inject one that fails.
 */
@FunctionalInterface
public interface FileSync {

    /** Flushes {@code fileOrDirectory} to stable storage; an exception means its bytes may be lost. */
    void sync(Path fileOrDirectory) throws IOException;

    /** {@code fsync(2)} through {@link FileChannel#force}; opening a directory for reading works on Linux and macOS. */
    static FileSync fsync() {
        return path -> {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ch.force(true);
            }
        };
    }
}
