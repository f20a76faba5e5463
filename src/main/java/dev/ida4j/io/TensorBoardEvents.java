package dev.ida4j.io;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A TensorBoard event file of scalars, written without TensorFlow: each event is a record
 * {@code u64le length | u32le masked crc32c(length) | event | u32le masked crc32c(event)}, and the event a hand-encoded
 * protobuf. The first event names the format ({@code file_version "brain.Event:2"}); then one event per
 * {@link #scalars} call with a {@code Summary} of {@code (tag, simple_value)} pairs.
 *
 * <pre>
 * Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 * Summary { repeated Value value = 1; }
 * Value   { string tag = 1; float simple_value = 2; }
 * </pre>
 */
public final class TensorBoardEvents implements Closeable {
    private final Path file;
    private final FileOutputStream out;

    private TensorBoardEvents(Path file) throws IOException {
        this.file = file;
        this.out = new FileOutputStream(file.toFile(), true);
    }

    /**
     * A new event file in {@code dir} (created if absent), named as TensorBoard looks for them:
     * {@code events.out.tfevents.SECONDS.HOST}.
     */
    public static TensorBoardEvents create(Path dir) throws IOException {
        Files.createDirectories(dir);
        long now = System.currentTimeMillis();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        Path file = dir.resolve("events.out.tfevents." + now / 1000 + "." + host.replaceAll("[^A-Za-z0-9._-]", "_"));
        TensorBoardEvents events = new TensorBoardEvents(file);
        Proto e = new Proto().fixed64(1, Double.doubleToRawLongBits(now / 1e3))
                .bytes(3, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
        events.append(e.toBytes());
        return events;
    }

    public Path file() {
        return file;
    }

    /** One event at {@code step} holding every finite value of {@code values} as a scalar named by its key. */
    public void scalars(long step, Map<String, Double> values) throws IOException {
        Proto summary = new Proto();
        for (Map.Entry<String, Double> v : values.entrySet()) {
            if (Double.isFinite(v.getValue())) {
                summary.bytes(1, new Proto().bytes(1, v.getKey().getBytes(StandardCharsets.UTF_8))
                        .fixed32(2, Float.floatToRawIntBits(v.getValue().floatValue())).toBytes());
            }
        }
        Proto event = new Proto().fixed64(1, Double.doubleToRawLongBits(System.currentTimeMillis() / 1e3))
                .varint(2, step).bytes(5, summary.toBytes());
        append(event.toBytes());
    }

    private void append(byte[] event) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(event.length);
        header.putInt(maskedCrc(header.array(), 0, 8));
        ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(event, 0,
                event.length));
        ByteArrayOutputStream record = new ByteArrayOutputStream(16 + event.length);
        record.write(header.array());
        record.write(event);
        record.write(footer.array());
        record.writeTo(out);   // one write per record: a crash leaves at most a torn last record
        out.flush();
    }

    /** TensorFlow's masked CRC32C: the checksum rotated right by 15 bits plus a constant. */
    static int maskedCrc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** A protobuf message being encoded: fields appended in order. */
    private static final class Proto {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            writeVarint(value);
            return this;
        }

        Proto fixed64(int field, long value) {
            tag(field, 1);
            for (int i = 0; i < 8; i++) {
                bytes.write((int) (value >>> (8 * i)));
            }
            return this;
        }

        Proto fixed32(int field, int value) {
            tag(field, 5);
            for (int i = 0; i < 4; i++) {
                bytes.write(value >>> (8 * i));
            }
            return this;
        }

        Proto bytes(int field, byte[] value) {
            tag(field, 2);
            writeVarint(value.length);
            bytes.writeBytes(value);
            return this;
        }

        private void tag(int field, int wireType) {
            writeVarint((long) field << 3 | wireType);
        }

        private void writeVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                bytes.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            bytes.write((int) v);
        }

        byte[] toBytes() {
            return bytes.toByteArray();
        }
    }
}
