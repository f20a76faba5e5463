package dev.ida4j.checkpoint;

import dev.ida4j.tensor.DType;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a committed checkpoint holds and whether every file of it checks out, made without loading it into a model
 * ({@link Checkpoints#inspect}). A file that fails its checks carries the problem instead of its tensors.
 *
 * @param state the caller's state saved with it (for a training run: its config, counters and RNG states)
 */
public record CheckpointReport(Path dir, long step, JsonNode state, List<FileReport> files) {

    /** One tensor file: its size and header checksum as recorded, and its tensors, or the problem found. */
    public record FileReport(String name, long bytes, String headerCrc32c, List<TensorReport> tensors,
                             String problem) {
        public boolean verified() {
            return problem == null;
        }
    }

    /** One tensor as stored, with its verified checksum. */
    public record TensorReport(String name, DType dtype, int[] shape, long elements, String crc32c) {
    }

    /** Whether every file passed every check. */
    public boolean verified() {
        return files.stream().allMatch(FileReport::verified);
    }
}
