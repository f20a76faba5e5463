package dev.ida4j.io;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code metrics.jsonl} in a run directory: one JSON object per line, keys in the order they were put, appended
 * with one {@code write(2)} per record, so {@code tail -f}, {@code jq} and {@code pandas.read_json(lines=True)} can
 * read it while training runs.
 *
 * <pre>
 *   log.record().put("step", 120).put("loss", 2.31f).put("lr", 3e-4).write();
 *   → {"step":120,"loss":2.31,"lr":3.0E-4}
 * </pre>
 *
 * Numbers are JSON numbers; NaN and ±Infinity, which JSON cannot express, are written as {@code null}. One
 * {@link Record} is reused: nothing is allocated per record beyond what the JSON generator needs. Not thread-safe.
 * {@link #resume} drops the records of steps after the checkpoint a run resumes from.
 */
public final class MetricsLog implements Closeable {
    public static final String FILE = "metrics.jsonl";

    private static final JsonFactory JSON = JsonFactory.builder()
            .rootValueSeparator((String) null) // records end in '\n', written by write(), not between values
            .enable(StreamWriteFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path file;
    private final FileOutputStream out;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final Record record = new Record();
    private JsonGenerator json;
    private boolean inRecord;
    private Mirror mirror;                                            // null: none
    private final Map<String, Double> mirrored = new LinkedHashMap<>(); // the record's numbers, for the mirror

    private MetricsLog(Path file) throws IOException {
        this.file = file;
        this.out = new FileOutputStream(file.toFile(), true);
        this.json = JSON.createGenerator(buffer);
    }

    /** Appends to {@code runDir/metrics.jsonl} (created if absent); a torn last line, left by a crash, is cut off. */
    public static MetricsLog open(Path runDir) throws IOException {
        Path file = runDir.resolve(FILE);
        MetricsTruncation.afterStep(file, Long.MAX_VALUE);
        return new MetricsLog(file);
    }

    /**
     * Appends to {@code runDir/metrics.jsonl} after cutting it at the first record whose {@code "step"} exceeds
     * {@code step} (and at a torn last line): a run resumed from the checkpoint of {@code step} then writes the log an
     * uninterrupted run would have written.
     */
    public static MetricsLog resume(Path runDir, long step) throws IOException {
        Path file = runDir.resolve(FILE);
        MetricsTruncation.afterStep(file, step);
        return new MetricsLog(file);
    }

    /** Receives each record's numbers by key, with the record's {@code "step"} (a TensorBoard event file, say). */
    @FunctionalInterface
    public interface Mirror {
        void record(long step, Map<String, Double> values) throws IOException;
    }

    /** From now on every written record's numbers also go to {@code m} (records without a step are not mirrored). */
    public void mirrorTo(Mirror m) {
        this.mirror = m;
    }

    /** Starts a record; finish it with {@link Record#write()}. */
    public Record record() {
        if (inRecord) {
            throw new IllegalStateException(file + ": the previous record was not written");
        }
        json.writeStartObject();
        inRecord = true;
        return record;
    }

    /** Makes every record written so far durable (call it before committing a checkpoint). */
    public void sync() throws IOException {
        out.getFD().sync();
    }

    @Override
    public void close() throws IOException {
        json.close();
        out.close();
    }

    /** The record being built: {@code put} in the order the keys should appear, then {@link #write()}. */
    public final class Record {
        private Record() {
        }

        public Record put(String key, long value) {
            name(key).writeNumber(value);
            mirror(key, value);
            return this;
        }

        /** A finite value as a JSON number; NaN and ±Infinity as {@code null}. */
        public Record put(String key, double value) {
            if (Double.isFinite(value)) {
                name(key).writeNumber(value);
                mirror(key, value);
            } else {
                name(key).writeNull();
            }
            return this;
        }

        /** As {@link #put(String, double)}, written with float's shortest digits (2.31, not 2.309999942779541). */
        public Record put(String key, float value) {
            if (Float.isFinite(value)) {
                name(key).writeNumber(value);
                mirror(key, value);
            } else {
                name(key).writeNull();
            }
            return this;
        }

        public Record put(String key, boolean value) {
            name(key).writeBoolean(value);
            return this;
        }

        /** A string, or {@code null} for null. */
        public Record put(String key, String value) {
            name(key).writeString(value);
            return this;
        }

        /** Appends the record and its newline to the file in one write. */
        public void write() throws IOException {
            if (!inRecord) {
                throw new IllegalStateException(file + ": write() without record()");
            }
            json.writeEndObject();
            json.writeRaw('\n');
            json.flush();
            inRecord = false;
            try {
                buffer.writeTo(out);
            } finally {
                buffer.reset();
            }
            if (mirror != null) {
                Double step = mirrored.remove("step");
                try {
                    if (step != null) {
                        mirror.record(step.longValue(), mirrored);
                    }
                } finally {
                    mirrored.clear();
                }
            }
        }

        private void mirror(String key, double value) {
            if (mirror != null) {
                mirrored.put(key, value);
            }
        }

        private JsonGenerator name(String key) {
            if (!inRecord) {
                throw new IllegalStateException(file + ": put('" + key + "') outside record()");
            }
            try {
                return json.writeName(key);
            } catch (JacksonException e) {
                // the half-built record is dropped; the next record() starts clean
                buffer.reset();
                mirrored.clear();
                json = JSON.createGenerator(buffer);
                inRecord = false;
                throw new IllegalArgumentException(file + ": key '" + key + "' twice in one record", e);
            }
        }
    }
}
