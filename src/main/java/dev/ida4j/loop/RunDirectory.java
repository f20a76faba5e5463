package dev.ida4j.loop;

import dev.ida4j.checkpoint.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading a run directory without running it: its configuration, from the newest committed checkpoint. */
public final class RunDirectory {
    private RunDirectory() {
    }

    /** The config of the run in {@code runDir}. */
    public static LoopConfig config(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new NoSuchFileException(runDir.toString(), null, "no such run directory");
        }
        Path latest = Checkpoints.latest(runDir).orElseThrow(() -> new NoSuchFileException(runDir.toString(), null,
                "no committed checkpoint in it (is this a run directory?)"));
        return LoopConfig.fromJson(Checkpoints.readState(latest).get("config"));
    }
}
