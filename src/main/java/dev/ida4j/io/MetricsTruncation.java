package dev.ida4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cuts a {@link MetricsLog} file so that it ends with the last record of a given step: at the first complete line
 * whose {@code "step"} exceeds it, or else at a last line without its newline (torn by a crash). A complete line that
 * is not a JSON object is an error naming the file and line: the log was damaged, not merely interrupted.
 */
final class MetricsTruncation {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private MetricsTruncation() {
    }

    /** Truncates {@code file} (if it exists) after the records of steps up to {@code step}. */
    static void afterStep(Path file, long step) throws IOException {
        long cut;
        try (InputStream in = Files.newInputStream(file)) {
            cut = cutOffset(file, in, step);
        } catch (NoSuchFileException e) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (cut < ch.size()) {
                ch.truncate(cut);
                ch.force(true);
            }
        }
    }

    /** The byte offset at which the log should end. */
    private static long cutOffset(Path file, InputStream in, long step) throws IOException {
        byte[] chunk = new byte[1 << 16];
        byte[] line = new byte[256];
        int length = 0;
        long lineStart = 0;
        long lineNumber = 1;
        for (int n; (n = in.read(chunk)) > 0; ) {
            for (int i = 0; i < n; i++) {
                if (chunk[i] != '\n') {
                    if (length == line.length) {
                        line = Arrays.copyOf(line, line.length * 2);
                    }
                    line[length++] = chunk[i];
                    continue;
                }
                if (stepOf(file, lineNumber, line, length) > step) {
                    return lineStart;
                }
                lineStart += length + 1;
                lineNumber++;
                length = 0;
            }
        }
        return lineStart; // a last line without '\n' was torn while written
    }

    /** The line's "step", or Long.MIN_VALUE when it has none. */
    private static long stepOf(Path file, long lineNumber, byte[] line, int length) throws IOException {
        JsonNode record;
        try {
            record = JSON.readTree(line, 0, length);
        } catch (JacksonException e) {
            throw new IOException(file + ": line " + lineNumber + " is not JSON (" + e.getOriginalMessage()
                    + "): the log is damaged; repair or move it before resuming", e);
        }
        if (record == null || !record.isObject()) {
            throw new IOException(file + ": line " + lineNumber + " is not a JSON object");
        }
        JsonNode s = record.get("step");
        return s != null && s.isNumber() ? s.asLong() : Long.MIN_VALUE;
    }
}
