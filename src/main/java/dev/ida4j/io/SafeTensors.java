package dev.ida4j.io;

import static dev.ida4j.io.SafeTensorsHeader.METADATA;

import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;

/**
 * A safetensors file (F32 and I32 tensors) read into a {@link TensorArena}, and the writer of such files.
 *
 * <pre>
 *   u64 little-endian N | N bytes of UTF-8 JSON, space-padded so the data starts 8-aligned | data
 *   JSON: {"__metadata__": {string: string}, name: {"dtype": "F32"|"I32", "shape": [..], "data_offsets": [b, e]}}
 *   data: raw little-endian tensors; [b, e) is relative to the data's start; together they tile it exactly.
 * </pre>
 *
 * The reader treats every byte as hostile: the header length is capped at {@link #MAX_HEADER_BYTES} and checked
 * against the file's size before anything is allocated, and the header is checked whole (see
 * {@link SafeTensorsHeader}) before the first tensor is. Refusals are {@link SafeTensorsException}s naming the
 * file and the tensor. This is not a memory-mapped reader: tensors are copied into the arena.
 */
public final class SafeTensors {
    /** The largest header accepted (the value the reference implementation uses). */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    private static final int LENGTH_BYTES = 8;
    /** ByteBuffers index with int: large tensors move in slices of this size. */
    private static final long CHUNK = 1L << 30;

    static {
        // Tensor bytes move unchanged between file (little-endian) and tensor memory (native order).
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("safetensors I/O assumes a little-endian platform");
        }
    }

    private final Path file;
    private final SequencedMap<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path file, SequencedMap<String, Tensor> tensors, Map<String, String> metadata) {
        this.file = file;
        this.tensors = Collections.unmodifiableSequencedMap(tensors);
        this.metadata = metadata;
    }

    /** Reads every tensor of {@code file} into new tensors of {@code arena}, named as in the file. */
    public static SafeTensors read(Path file, TensorArena arena) throws IOException {
        if (!arena.hostAccessible()) {
            throw new IllegalArgumentException("cannot read " + file + " into arena '" + arena.name() + "' on "
                    + arena.device() + ": read into a host arena and copy through a backend");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < LENGTH_BYTES) {
                throw new SafeTensorsException(file, "file is " + size + " bytes long, too short for the 8-byte header length");
            }
            ByteBuffer length = ByteBuffer.allocate(LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, length, file, "the header length");
            long n = length.getLong(0);
            // Check before allocating: an unsigned 64-bit length from the file decides the buffer's size.
            if (Long.compareUnsigned(n, MAX_HEADER_BYTES) > 0) {
                throw new SafeTensorsException(file, "header length " + Long.toUnsignedString(n) + " exceeds the cap of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            if (n > size - LENGTH_BYTES) {
                throw new SafeTensorsException(file, "header length " + n + " runs past the end of the " + size + "-byte file");
            }
            if (n < 2) {
                throw new SafeTensorsException(file, "header length " + n + " is too short for a JSON object");
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(ch, json, file, "the header");
            SafeTensorsHeader header = SafeTensorsHeader.parse(file, json.array(), size - LENGTH_BYTES - n);

            // Entries come in data order and tile the data, so the channel is always at the next tensor's bytes.
            SequencedMap<String, Tensor> tensors = new LinkedHashMap<>();
            for (SafeTensorsHeader.Entry e : header.entries()) {
                Tensor t = arena.allocate(e.name(), e.dtype(), e.shape());
                MemorySegment dst = t.segment();
                for (long off = 0; off < dst.byteSize(); off += CHUNK) {
                    ByteBuffer slice = dst.asSlice(off, Math.min(CHUNK, dst.byteSize() - off)).asByteBuffer();
                    readFully(ch, slice, file, "tensor '" + e.name() + "'");
                }
                tensors.put(e.name(), t);
            }
            return new SafeTensors(file, tensors, header.metadata());
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, Path file, String what) throws IOException {
        while (dst.hasRemaining()) {
            if (ch.read(dst) < 0) {
                throw new SafeTensorsException(file, "file ended while reading " + what + " (did it change while read?)");
            }
        }
    }

    /**
     * Writes {@code tensors} (host tensors, in the map's order, under the map's keys) and {@code metadata} to
     * {@code file}. The bytes go to a sibling temporary file first, renamed over {@code file} at the end, so a crash
     * never leaves a half-written file under that name. Equal arguments give byte-identical files.
     */
    public static void write(Path file, Map<String, String> metadata, SequencedMap<String, Tensor> tensors)
            throws IOException {
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            if (m.getValue() == null) {
                throw new IllegalArgumentException(file + ": metadata '" + m.getKey() + "' has no value");
            }
        }
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA, new TreeMap<>(metadata)); // sorted: equal metadata, equal bytes
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name.equals(METADATA)) {
                throw new IllegalArgumentException(file + ": '" + METADATA + "' cannot name a tensor");
            }
            if (!t.arena().hostAccessible()) {
                throw new IllegalArgumentException(file + ": tensor '" + name + "' lives on " + t.arena().device()
                        + ": copy it to the host first");
            }
            long bytes = t.segment().byteSize();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", SafeTensorsHeader.code(t.dtype()));
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(name, entry);
            offset += bytes;
        }
        byte[] json = SafeTensorsHeader.JSON.writeValueAsBytes(header);
        int padded = json.length + (-json.length & 7); // the length field is 8 bytes, so data starts 8-aligned
        if (padded > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(file + ": header of " + padded + " bytes exceeds the cap of "
                    + MAX_HEADER_BYTES);
        }
        ByteBuffer head = ByteBuffer.allocate(LENGTH_BYTES + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                for (Tensor t : tensors.values()) {
                    MemorySegment src = t.segment();
                    for (long off = 0; off < src.byteSize(); off += CHUNK) {
                        writeFully(ch, src.asSlice(off, Math.min(CHUNK, src.byteSize() - off)).asByteBuffer());
                    }
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            ch.write(src);
        }
    }

    public Path file() {
        return file;
    }

    /** All tensors, by name, in the order of their data in the file. */
    public SequencedMap<String, Tensor> tensors() {
        return tensors;
    }

    /** The tensor called {@code name}; a missing one is an error naming the file. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + ": no tensor '" + name + "' among its " + tensors.size());
        }
        return t;
    }

    /** The {@code __metadata__} map (empty when the file has none). */
    public Map<String, String> metadata() {
        return metadata;
    }
}
