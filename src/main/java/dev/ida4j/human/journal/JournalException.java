package dev.ida4j.human.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A journal that cannot be used: a corrupted record before its end (the message names its byte offset), a file that
 * is not a journal, or a write that failed (nothing of it was acknowledged). The records before the offset are
 * intact.
 */
public final class JournalException extends IOException {
    private static final long serialVersionUID = 1L;

    JournalException(Path file, String problem) {
        super("journal " + file + ": " + problem);
    }

    JournalException(Path file, String problem, Throwable cause) {
        super("journal " + file + ": " + problem, cause);
    }
}
