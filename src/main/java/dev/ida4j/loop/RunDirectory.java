package dev.ida4j.loop;

import dev.ida4j.checkpoint.CheckpointException;
import dev.ida4j.checkpoint.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reading a run directory without running it: its configuration, from the newest committed checkpoint. */
public final class RunDirectory {
    private RunDirectory() {
    }

    /**
     * The config of the run in {@code runDir}, from its newest checkpoint whose state file is intact (a damaged newer
     * one is passed over here; loading it says so).
     */
    public static LoopConfig config(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new NoSuchFileException(runDir.toString(), null, "no such run directory");
        }
        List<Path> committed = Checkpoints.committed(runDir);
        if (committed.isEmpty()) {
            throw new NoSuchFileException(runDir.toString(), null,
                    "no committed checkpoint in it (is this a run directory?)");
        }
        CheckpointException newest = null;
        for (Path dir : committed.reversed()) {
            try {
                return LoopConfig.fromJson(Checkpoints.readState(dir).get("config"));
            } catch (CheckpointException e) {
                newest = newest == null ? e : newest;
            }
        }
        throw newest;
    }
}
