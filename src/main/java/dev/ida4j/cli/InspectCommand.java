package dev.ida4j.cli;

import dev.ida4j.checkpoint.CheckpointException;
import dev.ida4j.checkpoint.CheckpointReport;
import dev.ida4j.checkpoint.Checkpoints;
import dev.ida4j.human.TranscriptRecord;
import dev.ida4j.human.journal.Journal;
import dev.ida4j.io.SafeTensors;
import dev.ida4j.io.Utf8;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code ida4j inspect PATH}: what a run directory, a checkpoint, a safetensors file or a transcript journal holds
 * (its config, its files and tensors, its transcripts) and whether every checksum matches. Exit code 0 when
 * everything is verified, 1 when anything is not.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show what a run directory, checkpoint, .safetensors file or transcript journal holds,"
                + " verifying every checksum.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", description = "a run directory, a checkpoint directory (checkpoints/step-N),"
            + " a .safetensors file or a transcript journal of 'ida4j oversee'")
    Path path;
    @Option(names = "--tensors", description = "list every tensor (name, dtype, shape, checksum) or journal"
            + " record (offset, id)")
    boolean tensors;

    @Override
    public Integer call() {
        try {
            if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".safetensors")) {
                return safetensors();
            }
            if (Files.isRegularFile(path) && Journal.isJournal(path)) {
                return journal();
            }
            if (Files.isRegularFile(path.resolve("state.json"))) {
                return checkpoint(path);
            }
            if (Files.isDirectory(path.resolve("checkpoints")) || Files.isRegularFile(path.resolve("metrics.jsonl"))) {
                return run();
            }
            if (!Files.exists(path)) {
                throw new NoSuchFileException(path.toString(), null, "no such file or directory");
            }
            throw new Main.UsageException(path + " is neither a run directory, a checkpoint directory, a"
                    + " .safetensors file nor a transcript journal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int run() throws IOException {
        List<Path> committed = Checkpoints.committed(path);
        Path metrics = path.resolve("metrics.jsonl");
        long records;
        try (Stream<String> lines = Files.exists(metrics) ? Utf8.read(metrics).lines() : Stream.empty()) {
            records = lines.filter(l -> !l.isBlank()).count();
        }
        System.out.printf(Locale.ROOT, "run %s: %d committed checkpoint%s%s; metrics.jsonl %d records%s%n", path,
                committed.size(), committed.size() == 1 ? "" : "s",
                committed.isEmpty() ? "" : " (" + String.join(", ",
                        committed.stream().map(p -> p.getFileName().toString()).toList()) + ")",
                records, Files.exists(path.resolve("config.toml")) ? "; config.toml" : "");
        if (committed.isEmpty()) {
            System.out.println("nothing to verify: no committed checkpoint");
            return 1;
        }
        // the older checkpoints, each verified in one line (a resume falls back on them); then the newest in full
        int code = 0;
        for (Path dir : committed.subList(0, committed.size() - 1)) {
            String problem;
            try {
                CheckpointReport r = Checkpoints.inspect(dir);
                problem = r.files().stream().filter(f -> !f.verified()).map(f -> f.name() + ": " + f.problem())
                        .findFirst().orElse(null);
            } catch (CheckpointException e) {
                problem = e.getMessage();
            }
            System.out.println("checkpoint " + dir + ": " + (problem == null ? "every checksum verified"
                    : "NOT VERIFIED: " + problem));
            code = problem == null ? code : 1;
        }
        try {
            return Math.max(code, checkpoint(committed.getLast()));
        } catch (CheckpointException e) {
            System.out.println("checkpoint " + committed.getLast() + ": NOT VERIFIED: " + e.getMessage());
            return 1;
        }
    }

    private int checkpoint(Path dir) throws IOException {
        CheckpointReport r = Checkpoints.inspect(dir);
        System.out.printf(Locale.ROOT, "checkpoint %s: step %d, %s%n", dir, r.step(),
                r.verified() ? "every checksum verified" : "NOT VERIFIED");
        List<String> progress = Stream.of("generations", "curriculum_size", "target_questions", "asker_calls")
                .filter(k -> r.state().has(k)).map(k -> k + " " + r.state().get(k)).toList();
        if (!progress.isEmpty()) {
            System.out.println("  state: " + String.join(", ", progress));
        }
        JsonNode config = r.state().get("config");
        if (config != null) {
            System.out.println("  config:");
            TrainSettings.toToml(LoopConfig.fromJson(config)).lines().forEach(l -> System.out.println("    " + l));
        }
        for (CheckpointReport.FileReport f : r.files()) {
            long elements = f.tensors().stream().mapToLong(CheckpointReport.TensorReport::elements).sum();
            System.out.printf(Locale.ROOT, "  %-24s %,14d bytes  header crc32c %s  %s%n", f.name(), f.bytes(),
                    f.headerCrc32c(), f.verified() ? String.format(Locale.ROOT, "%s, %,d elements, ok",
                            tensorCount(f.tensors().size()), elements) : "FAILED: " + f.problem());
            if (tensors) {
                for (CheckpointReport.TensorReport t : f.tensors()) {
                    System.out.printf(Locale.ROOT, "    %-48s %s%s  crc32c %s%n", t.name(),
                            t.dtype().name().toLowerCase(Locale.ROOT), Arrays.toString(t.shape()),
                            t.crc32c());
                }
            }
        }
        return r.verified() ? 0 : 1;
    }

    /** A transcript journal: every record's checksums are verified by reading it; what the transcripts are. */
    private int journal() throws IOException {
        List<Journal.Entry> entries = Journal.read(path);
        Map<String, Long> byTaskAndMode = new TreeMap<>();
        long correct = 0;
        for (Journal.Entry e : entries) {
            TranscriptRecord r = TranscriptRecord.fromJson(e.payload());
            byTaskAndMode.merge(r.task() + " size " + r.size() + ", " + r.mode(), 1L, Long::sum);
            correct += r.correct() ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "journal %s: %,d bytes, %d whole transcript record%s, checksums verified%s%n",
                path, Files.size(path), entries.size(), entries.size() == 1 ? "" : "s",
                entries.isEmpty() ? "" : String.format(Locale.ROOT, "; %d correct against the ground truth",
                        correct));
        byTaskAndMode.forEach((k, n) -> System.out.printf(Locale.ROOT, "  %s: %d%n", k, n));
        long torn = Journal.tornBytes(path);
        if (torn > 0) {
            System.out.printf(Locale.ROOT, "  NOT VERIFIED: the last %d bytes are a torn record (a crash during an"
                    + " append, never acknowledged, or damage); 'ida4j oversee' cuts them off when it opens this"
                    + " journal%n", torn);
        }
        if (tensors) {
            for (int i = 0; i < entries.size(); i++) {
                Journal.Entry e = entries.get(i);
                System.out.printf(Locale.ROOT, "    #%-5d offset %,d  id %s%n", i, e.offset(), e.id());
            }
        }
        return torn > 0 ? 1 : 0;
    }

    private int safetensors() throws IOException {
        try (TensorArena host = TensorArena.host("inspect")) {
            SafeTensors st = SafeTensors.read(path, host);
            long elements = st.tensors().values().stream().mapToLong(Tensor::numel).sum();
            System.out.printf(Locale.ROOT, "safetensors %s: %,d bytes, %s, %,d elements%n", path,
                    Files.size(path), tensorCount(st.tensors().size()), elements);
            for (Map.Entry<String, String> m : st.metadata().entrySet()) {
                System.out.printf(Locale.ROOT, "  metadata %s = %s%n", m.getKey(), m.getValue());
            }
            if (tensors) {
                for (Map.Entry<String, Tensor> t : st.tensors().entrySet()) {
                    System.out.printf(Locale.ROOT, "    %-48s %s%s%n", t.getKey(),
                            t.getValue().dtype().name().toLowerCase(Locale.ROOT), t.getValue().shapeString());
                }
            }
            System.out.println("  (a lone safetensors file carries no checksums of its own: inspect its checkpoint"
                    + " directory to verify it)");
            return 0;
        }
    }

    private static String tensorCount(int n) {
        return n + (n == 1 ? " tensor" : " tensors");
    }
}
