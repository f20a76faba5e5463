package dev.ida4j.checkpoint;

import dev.ida4j.backend.Backend;
import dev.ida4j.io.SafeTensors;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SequencedMap;
import tools.jackson.databind.JsonNode;

/**
 * Loads a committed checkpoint into the caller's tensors, all or nothing. First {@code state.json} is verified (its
 * own checksum, schema, format version, step); then each requested file: its size against the recorded one, its
 * structure by the strict {@link SafeTensors} reader, the CRC32C of its header and of every tensor, and its tensor
 * names, dtypes and shapes against the caller's. Only when every file passed are the caller's tensors written.
 */
final class CheckpointReader {
    private final Backend backend;

    CheckpointReader(Backend backend) {
        this.backend = backend;
    }

    JsonNode load(Path dir, Map<String, List<Tensor>> into) throws CheckpointException {
        Map<Path, SequencedMap<String, Tensor>> targets = new LinkedHashMap<>();
        for (Map.Entry<String, List<Tensor>> f : into.entrySet()) {
            Path file = dir.resolve(f.getKey() + CheckpointWriter.EXTENSION);
            targets.put(file, NamedTensors.of(file, f.getValue()));
        }
        StateFile state = state(dir);
        try (TensorArena host = TensorArena.host("checkpoint-load")) {
            Map<Tensor, Tensor> copies = new LinkedHashMap<>(); // caller's tensor -> verified host copy
            for (Map.Entry<Path, SequencedMap<String, Tensor>> t : targets.entrySet()) {
                Path file = t.getKey();
                StateFile.FileRecord record = state.files().get(file.getFileName().toString());
                if (record == null) {
                    throw new CheckpointException(file, "not in this checkpoint, whose " + StateFile.NAME + " lists "
                            + state.files().keySet());
                }
                SafeTensors read = verified(file, record, host);
                match(file, read.tensors(), t.getValue(), copies);
            }
            for (Map.Entry<Tensor, Tensor> c : copies.entrySet()) {
                copy(c.getKey(), c.getValue().segment());
            }
        }
        return state.state();
    }

    /** Verifies every file of the checkpoint in {@code dir}, one at a time, reporting what each holds or its problem. */
    static CheckpointReport inspect(Path dir) throws CheckpointException {
        StateFile state = state(dir);
        List<CheckpointReport.FileReport> files = new ArrayList<>();
        for (Map.Entry<String, StateFile.FileRecord> f : state.files().entrySet()) {
            StateFile.FileRecord record = f.getValue();
            List<CheckpointReport.TensorReport> tensors = new ArrayList<>();
            String problem = null;
            try (TensorArena host = TensorArena.host("checkpoint-inspect")) {
                SafeTensors read = verified(dir.resolve(f.getKey()), record, host);
                for (Map.Entry<String, Tensor> t : read.tensors().entrySet()) {
                    Tensor x = t.getValue();
                    tensors.add(new CheckpointReport.TensorReport(t.getKey(), x.dtype(), x.shape(), x.numel(),
                            Crc.hex(record.tensorCrcs().get(t.getKey()))));
                }
            } catch (CheckpointException e) {
                problem = e.getMessage();
            }
            files.add(new CheckpointReport.FileReport(f.getKey(), record.bytes(), Crc.hex(record.headerCrc()),
                    tensors, problem));
        }
        return new CheckpointReport(dir, state.step(), state.state(), List.copyOf(files));
    }

    static StateFile state(Path dir) throws CheckpointException {
        Path file = dir.resolve(StateFile.NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "missing: not a committed checkpoint");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be read: " + e, e);
        }
        StateFile state = StateFile.decode(file, bytes);
        OptionalLong named = CheckpointDirs.step(dir);
        if (named.isPresent() && named.getAsLong() != state.step()) {
            throw new CheckpointException(file, "records step " + state.step() + " but its directory is "
                    + dir.getFileName());
        }
        return state;
    }

    /** Reads {@code file} into {@code host} and checks it against {@code record}; refusals name the file. */
    private static SafeTensors verified(Path file, StateFile.FileRecord record, TensorArena host)
            throws CheckpointException {
        try {
            long size = Files.size(file);
            if (size != record.bytes()) {
                throw new CheckpointException(file, "is " + size + " bytes but " + StateFile.NAME + " records "
                        + record.bytes() + " (truncated or replaced)");
            }
            SafeTensors read = SafeTensors.read(file, host);
            long dataBytes = 0;
            for (Tensor t : read.tensors().values()) {
                dataBytes += t.segment().byteSize();
            }
            int headerCrc = Crc.ofPrefix(file, Math.toIntExact(size - dataBytes));
            if (headerCrc != record.headerCrc()) {
                throw new CheckpointException(file, "header checksum mismatch: crc32c " + Crc.hex(headerCrc) + ", "
                        + StateFile.NAME + " records " + Crc.hex(record.headerCrc()));
            }
            if (!read.tensors().keySet().equals(record.tensorCrcs().keySet())) {
                throw new CheckpointException(file, "holds tensors " + read.tensors().keySet() + " but "
                        + StateFile.NAME + " records " + record.tensorCrcs().keySet());
            }
            for (Map.Entry<String, Tensor> t : read.tensors().entrySet()) {
                int crc = Crc.of(t.getValue().segment());
                int recorded = record.tensorCrcs().get(t.getKey());
                if (crc != recorded) {
                    throw new CheckpointException(file, t.getKey(), "checksum mismatch: crc32c " + Crc.hex(crc) + ", "
                            + StateFile.NAME + " records " + Crc.hex(recorded));
                }
            }
            return read;
        } catch (CheckpointException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "missing", e);
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            String prefix = file + ": "; // SafeTensorsException messages already name the file
            String problem = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
            throw new CheckpointException(file, problem, e);
        }
    }

    /** The file's tensors and the caller's must have the same names, dtypes and shapes. */
    private static void match(Path file, SequencedMap<String, Tensor> read, SequencedMap<String, Tensor> wanted,
                              Map<Tensor, Tensor> copies) throws CheckpointException {
        for (Map.Entry<String, Tensor> w : wanted.entrySet()) {
            Tensor r = read.get(w.getKey());
            Tensor t = w.getValue();
            if (r == null) {
                throw new CheckpointException(file, w.getKey(), "missing from the file, which holds " + read.keySet());
            }
            if (r.dtype() != t.dtype() || !Arrays.equals(r.shape(), t.shape())) {
                throw new CheckpointException(file, w.getKey(), "is " + r.dtype() + r.shapeString()
                        + " in the file but the caller's tensor is " + t.dtype() + t.shapeString());
            }
            copies.put(t, r);
        }
        for (String name : read.keySet()) {
            if (!wanted.containsKey(name)) {
                throw new CheckpointException(file, name, "in the file but not among the caller's tensors");
            }
        }
    }

    private void copy(Tensor dst, MemorySegment src) {
        if (dst.arena().hostAccessible()) {
            MemorySegment.copy(src, 0, dst.segment(), 0, src.byteSize());
        } else {
            backend.copyIn(dst, src);
        }
    }
}
