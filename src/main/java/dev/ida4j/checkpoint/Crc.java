package dev.ida4j.checkpoint;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.OptionalInt;
import java.util.zip.CRC32C;

/** CRC32C (the Castagnoli polynomial, hardware-accelerated in the JDK) of memory and file ranges, as hex. */
final class Crc {
    /** ByteBuffers index with int: large tensors are checksummed in slices of this size. */
    private static final long CHUNK = 1L << 30;

    private Crc() {
    }

    static int of(MemorySegment segment) {
        CRC32C crc = new CRC32C();
        for (long off = 0; off < segment.byteSize(); off += CHUNK) {
            crc.update(segment.asSlice(off, Math.min(CHUNK, segment.byteSize() - off)).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    static int of(byte[] bytes, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, to - from);
        return (int) crc.getValue();
    }

    /** CRC32C of the first {@code length} bytes of {@code file} (a header, a few kilobytes). */
    static int ofPrefix(Path file, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new CheckpointException(file, "ended within its first " + length + " bytes");
                }
            }
        }
        buf.flip();
        CRC32C crc = new CRC32C();
        crc.update(buf);
        return (int) crc.getValue();
    }

    /** Eight lowercase hex digits. */
    static String hex(int crc) {
        return HexFormat.of().toHexDigits(crc);
    }

    /** The CRC written by {@link #hex}, or empty unless {@code s} is exactly eight lowercase hex digits. */
    static OptionalInt parse(String s) {
        if (s.length() != 8) {
            return OptionalInt.empty();
        }
        for (int i = 0; i < 8; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.of((int) Long.parseLong(s, 16));
    }
}
