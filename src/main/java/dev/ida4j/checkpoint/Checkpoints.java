package dev.ida4j.checkpoint;

import dev.ida4j.backend.Backend;
import dev.ida4j.io.FileSync;
import dev.ida4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Training checkpoints in a run directory, the entry point for a training loop:
 *
 * <pre>
 *   run/checkpoints/step-1200/model.safetensors       one file per key of the map passed to save
 *                            /optimizer.safetensors
 *                            /state.json              step, sizes and CRC32Cs of the files and tensors, caller state
 *   run/checkpoints/.tmp-step-1300-9f0c…/              being written; never read, deleted by the next save
 * </pre>
 *
 * Tensors are named by {@link Tensor#name()}; host tensors are written from their memory, others are copied out
 * through the backend. See {@link CheckpointWriter} for the commit protocol and {@link CheckpointReader} for what a
 * load verifies. Every failure is a {@link CheckpointException} naming the file (and tensor).
 */
public final class Checkpoints {
    /** Committed checkpoints kept when the caller does not say. */
    public static final int DEFAULT_KEEP_LAST = 3;

    private final CheckpointWriter writer;
    private final CheckpointReader reader;

    /** Checkpoints whose device tensors move through {@code backend}, synced with {@code fsync}. */
    public Checkpoints(Backend backend) {
        this(backend, FileSync.fsync());
    }

    /** As {@link #Checkpoints(Backend)} with another way to sync files (tests inject failures). */
    public Checkpoints(Backend backend, FileSync sync) {
        this.writer = new CheckpointWriter(backend, sync);
        this.reader = new CheckpointReader(backend);
    }

    /**
     * Writes and commits {@code runDir/checkpoints/step-<step>}: one {@code <key>.safetensors} per entry of
     * {@code files}, and {@code state.json} holding {@code state}; then deletes all but the newest {@code keepLast}
     * committed checkpoints. {@code step} must exceed every committed step. Returns the committed directory.
     *
     * @throws CheckpointException if anything failed; this checkpoint then does not exist and the others are intact
     */
    public Path save(Path runDir, long step, Map<String, List<Tensor>> files, JsonNode state, int keepLast)
            throws CheckpointException {
        return writer.save(runDir, step, files, state, keepLast);
    }

    /** {@link #save(Path, long, Map, JsonNode, int)} keeping {@link #DEFAULT_KEEP_LAST}. */
    public Path save(Path runDir, long step, Map<String, List<Tensor>> files, JsonNode state)
            throws CheckpointException {
        return save(runDir, step, files, state, DEFAULT_KEEP_LAST);
    }

    /**
     * Verifies the checkpoint in {@code checkpointDir} and fills {@code into} (file key to tensors, named as saved;
     * a subset of the files is fine, but every tensor of a requested file must be asked for). Returns the state
     * passed to save. Nothing is written to any tensor unless every check passed, so the requested files are held
     * in host memory while they are verified.
     */
    public JsonNode load(Path checkpointDir, Map<String, List<Tensor>> into) throws CheckpointException {
        return reader.load(checkpointDir, into);
    }

    /**
     * What the checkpoint in {@code checkpointDir} holds, every file verified (sizes, header and tensor checksums)
     * without loading anything into a model; a file that fails carries its problem in the report.
     *
     * @throws CheckpointException if its {@code state.json} is missing or fails its own checks
     */
    public static CheckpointReport inspect(Path checkpointDir) throws CheckpointException {
        return CheckpointReader.inspect(checkpointDir);
    }

    /** The caller's state saved in {@code checkpointDir}, checksum verified, without reading any tensor file. */
    public static JsonNode readState(Path checkpointDir) throws CheckpointException {
        return CheckpointReader.state(checkpointDir).state();
    }

    /** The newest committed checkpoint of {@code runDir}, if any (temporary and trash directories are ignored). */
    public static Optional<Path> latest(Path runDir) throws IOException {
        List<Path> committed = committed(runDir);
        return committed.isEmpty() ? Optional.empty() : Optional.of(committed.getLast());
    }

    /**
     * Moves a damaged committed checkpoint out of the way, to {@code damaged-step-<N>} beside it, which no reader
     * counts as committed: kept for a person to examine, and no longer in the way of the steps that follow. Returns
     * its new path.
     */
    public static Path setAside(Path checkpointDir) throws IOException {
        Path target = checkpointDir.resolveSibling("damaged-" + checkpointDir.getFileName());
        Files.move(checkpointDir, target, StandardCopyOption.ATOMIC_MOVE);
        FileSync.fsync().sync(checkpointDir.getParent());
        return target;
    }

    /** Every committed checkpoint of {@code runDir}, oldest first (to fall back on an older one). */
    public static List<Path> committed(Path runDir) throws IOException {
        return CheckpointDirs.committed(runDir);
    }
}
