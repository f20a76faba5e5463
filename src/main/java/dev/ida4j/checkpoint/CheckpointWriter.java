package dev.ida4j.checkpoint;

import dev.ida4j.backend.Backend;
import dev.ida4j.io.FileSync;
import dev.ida4j.io.SafeTensors;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Writes one checkpoint and commits it: every file into {@code checkpoints/.tmp-step-N-<random>/}, each file synced,
 * the temporary directory synced, renamed atomically to {@code step-N}, {@code checkpoints/} synced; only then are
 * checkpoints beyond the newest {@code keepLast} deleted. Any failure, a failed sync included (never retried: Linux
 * may have dropped the dirty pages), abandons this checkpoint and leaves the earlier ones as they were.
 *
 * <p>One writer per run directory: leftovers of an interrupted writer are deleted when the next save starts.
 */
final class CheckpointWriter {
    private static final System.Logger LOG = System.getLogger(CheckpointWriter.class.getName());
    private static final Pattern FILE_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    static final String EXTENSION = ".safetensors";

    private final Backend backend;
    private final FileSync sync;

    CheckpointWriter(Backend backend, FileSync sync) {
        this.backend = backend;
        this.sync = sync;
    }

    Path save(Path runDir, long step, Map<String, List<Tensor>> files, JsonNode state, int keepLast)
            throws CheckpointException {
        Map<String, List<Tensor>> sorted = checkArguments(runDir, step, files, state, keepLast);
        Path root = CheckpointDirs.root(runDir);
        Path target = root.resolve(CheckpointDirs.name(step));
        prepare(runDir, root, target, step);

        Path tmp = CheckpointDirs.temporary(root, target.getFileName().toString());
        try {
            Files.createDirectory(tmp);
            SequencedMap<String, StateFile.FileRecord> records = new LinkedHashMap<>();
            for (Map.Entry<String, List<Tensor>> f : sorted.entrySet()) {
                String name = f.getKey() + EXTENSION;
                records.put(name, writeTensors(tmp.resolve(name), f.getValue()));
            }
            Path stateFile = tmp.resolve(StateFile.NAME);
            Files.write(stateFile, new StateFile(step, records, state).encode());
            sync.sync(stateFile);
            sync.sync(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            String cleanup = deleteQuietly(tmp);
            throw new CheckpointException(target, "not written (earlier checkpoints kept" + cleanup + "): " + e, e);
        }
        try {
            sync.sync(root);
        } catch (IOException | RuntimeException e) {
            // The rename may not survive a crash: treat the checkpoint as lost rather than leave it half-durable.
            String cleanup = deleteQuietly(target);
            throw new CheckpointException(target, "renamed into place but " + root + " could not be synced, so it was"
                    + " removed again (earlier checkpoints kept" + cleanup + "): " + e, e);
        }
        prune(runDir, target, keepLast);
        return target;
    }

    private static Map<String, List<Tensor>> checkArguments(Path runDir, long step, Map<String, List<Tensor>> files,
                                                            JsonNode state, int keepLast) {
        if (step < 0) {
            throw new IllegalArgumentException(runDir + ": checkpoint step " + step + " is negative");
        }
        if (keepLast < 1) {
            throw new IllegalArgumentException(runDir + ": keepLast " + keepLast + " must be at least 1");
        }
        if (state == null) {
            throw new IllegalArgumentException(runDir + ": checkpoint state is null (pass an empty object instead)");
        }
        for (Map.Entry<String, List<Tensor>> f : files.entrySet()) {
            if (!FILE_KEY.matcher(f.getKey()).matches()) {
                throw new IllegalArgumentException(runDir + ": checkpoint file name '" + f.getKey()
                        + "' is not lowercase letters, digits, '_' or '-'");
            }
            NamedTensors.of(Path.of(f.getKey() + EXTENSION), f.getValue());
        }
        return new TreeMap<>(files); // equal arguments, equal bytes, whatever the map's order
    }

    /** Creates {@code checkpoints/}, clears leftovers, and refuses a step at or below the newest committed one. */
    private static void prepare(Path runDir, Path root, Path target, long step) throws CheckpointException {
        try {
            Files.createDirectories(root);
            CheckpointDirs.removeLeftovers(root);
            List<Path> committed = CheckpointDirs.committed(runDir);
            if (!committed.isEmpty()) {
                Path newest = committed.getLast();
                if (CheckpointDirs.step(newest).orElseThrow() >= step) {
                    throw new CheckpointException(target, "not written: " + newest.getFileName()
                            + " already exists and a run's checkpoints only move forward");
                }
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException(target, "not written: cannot prepare " + root + ": " + e, e);
        }
    }

    /** One safetensors file of host copies of {@code tensors}, synced; returns its size and checksums. */
    private StateFile.FileRecord writeTensors(Path file, List<Tensor> tensors) throws IOException {
        try (TensorArena staging = TensorArena.host("checkpoint-staging")) {
            SequencedMap<String, Tensor> host = new LinkedHashMap<>();
            SequencedMap<String, Integer> crcs = new LinkedHashMap<>();
            long dataBytes = 0;
            for (Tensor t : tensors) {
                Tensor h = t;
                if (!t.arena().hostAccessible()) {
                    h = staging.allocate(t.name(), t.dtype(), t.shape());
                    backend.copyOut(h.segment(), t);
                }
                host.put(t.name(), h);
                crcs.put(t.name(), Crc.of(h.segment()));
                dataBytes += h.segment().byteSize();
            }
            SafeTensors.write(file, Map.of(), host);
            sync.sync(file);
            long bytes = Files.size(file);
            int headerCrc = Crc.ofPrefix(file, Math.toIntExact(bytes - dataBytes));
            return new StateFile.FileRecord(bytes, headerCrc, crcs);
        }
    }

    /** Deletes all but the newest {@code keepLast} committed checkpoints, never {@code target}; failures are logged. */
    private static void prune(Path runDir, Path target, int keepLast) {
        try {
            List<Path> committed = CheckpointDirs.committed(runDir);
            for (Path old : committed.subList(0, Math.max(0, committed.size() - keepLast))) {
                if (!old.equals(target)) {
                    CheckpointDirs.delete(old);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "checkpoint " + target + " committed, but deleting older ones failed"
                    + " (they stay, and the next save tries again): " + e);
        }
    }

    private static String deleteQuietly(Path dir) {
        try {
            CheckpointDirs.delete(dir);
            return "";
        } catch (IOException | RuntimeException e) {
            return "; could not delete " + dir + ": " + e;
        }
    }
}
