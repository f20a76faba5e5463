package dev.ida4j.report;

import dev.ida4j.io.MetricsLog;
import dev.ida4j.io.Utf8;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's {@code metrics.jsonl}, read: its training records (one every {@code logEvery} steps) and its evaluation
 * records (those with {@code eval_size} or {@code eval_accuracy}), each kept as its numeric fields. A field that is
 * absent or {@code null} (NaN when written) is simply not a point of that metric; strings, booleans and records
 * without a numeric {@code step} are ignored, so a log written by a newer ida4j still reads.
 *
 * <p>A last line without its newline is being written, or was torn by a crash: it is left out, as
 * {@link MetricsLog#resume} would cut it. A complete line that is not a JSON object is an error naming the file and
 * line. Should a step go backwards (a log resumed without being cut back to its checkpoint, as older versions did),
 * the later records replace the earlier ones from that step on, as if the log had been cut.
 */
public final class RunMetrics {
    static final String CLASS_PREFIX = "eval_class/";
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final List<Map<String, Double>> training = new ArrayList<>();
    private final List<Map<String, Double>> evaluations = new ArrayList<>();

    private RunMetrics() {
    }

    /** Reads {@code runDir/metrics.jsonl}; an IOException's message names the file (and line) at fault. */
    public static RunMetrics read(Path runDir) throws IOException {
        Path file = runDir.resolve(MetricsLog.FILE);
        String text;
        try {
            text = Utf8.read(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist: " + runDir + " is not a run directory (or its run has"
                    + " not logged yet)", e);
        }
        RunMetrics m = new RunMetrics();
        String[] lines = text.split("\n", -1);   // the last piece is what follows the last newline
        for (int i = 0; i < lines.length - 1; i++) {
            m.add(parse(file, i + 1, lines[i]));
        }
        return m;
    }

    private static Map<String, Double> parse(Path file, int lineNumber, String line) throws IOException {
        JsonNode record;
        try {
            record = JSON.readTree(line);
        } catch (JacksonException e) {
            throw new IOException(file + ": line " + lineNumber + " is not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (record == null || !record.isObject()) {
            throw new IOException(file + ": line " + lineNumber + " is not a JSON object");
        }
        Map<String, Double> fields = new HashMap<>();
        for (Map.Entry<String, JsonNode> f : record.properties()) {
            if (f.getValue().isNumber()) {
                fields.put(f.getKey(), f.getValue().asDouble());
            }
        }
        return fields.containsKey("step") ? fields : null;
    }

    private void add(Map<String, Double> record) {
        if (record == null) {
            return;
        }
        // an evaluation's accuracy may be null (NaN), its size never is
        List<Map<String, Double>> kind = record.containsKey("eval_size") || record.containsKey("eval_accuracy")
                ? evaluations : training;
        double step = record.get("step");
        while (!kind.isEmpty() && kind.getLast().get("step") >= step) {
            kind.removeLast();
        }
        kind.add(record);
    }

    /** A field of the training records. */
    public Series training(String field) {
        return series(training, field);
    }

    /** A field of the evaluation records. */
    public Series evaluation(String field) {
        return series(evaluations, field);
    }

    /** The question classes the evaluations report ({@code eval_class/NAME}), sorted. */
    public SortedSet<String> evalClasses() {
        SortedSet<String> classes = new TreeSet<>();
        for (Map<String, Double> r : evaluations) {
            for (String k : r.keySet()) {
                if (k.startsWith(CLASS_PREFIX)) {
                    classes.add(k.substring(CLASS_PREFIX.length()));
                }
            }
        }
        return classes;
    }

    /** The accuracy of one question class in each evaluation that saw it. */
    public Series classAccuracy(String questionClass) {
        return evaluation(CLASS_PREFIX + questionClass);
    }

    /** The last step any record reports, 0 for an empty log. */
    public long lastStep() {
        double last = 0;
        for (List<Map<String, Double>> kind : List.of(training, evaluations)) {
            if (!kind.isEmpty()) {
                last = Math.max(last, kind.getLast().get("step"));
            }
        }
        return (long) last;
    }

    /**
     * Seconds the run spent up to its last training record, over all its sessions: {@code elapsed_s} counts from the
     * start of each process, so it drops where a run was resumed. NaN when no record has it.
     */
    public double wallSeconds() {
        Series elapsed = training("elapsed_s");
        if (elapsed.isEmpty()) {
            return Double.NaN;
        }
        double total = 0;
        double previous = 0;
        for (double e : elapsed.values()) {
            if (e < previous) {
                total += previous;   // the previous session ended there
            }
            previous = e;
        }
        return total + previous;
    }

    private static Series series(List<Map<String, Double>> records, String field) {
        double[] steps = new double[records.size()];
        double[] values = new double[records.size()];
        int n = 0;
        for (Map<String, Double> r : records) {
            Double v = r.get(field);
            if (v != null) {
                steps[n] = r.get("step");
                values[n++] = v;
            }
        }
        return new Series(Arrays.copyOf(steps, n), Arrays.copyOf(values, n));
    }
}
