package dev.ida4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardEventsTest {
    @TempDir
    Path tmp;

    /** One decoded event: its step, file_version and scalars (tag to value); a reader written from the format. */
    record Event(long step, String fileVersion, Map<String, Float> scalars) {
    }

    static List<Event> decode(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] len = new byte[8];
            b.get(len);
            assertThat(b.getInt()).as("length crc").isEqualTo(masked(len));
            byte[] data = new byte[(int) ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong()];
            b.get(data);
            assertThat(b.getInt()).as("data crc").isEqualTo(masked(data));
            events.add(event(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)));
        }
        return events;
    }

    private static int masked(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        long crc = c.getValue();
        return (int) ((((crc >> 15) | (crc << 17)) + 0xa282ead8L) & 0xffffffffL);
    }

    private static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b.get() & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if (x < 0x80) {
                return v;
            }
        }
    }

    private static ByteBuffer sub(ByteBuffer b) {
        int n = (int) varint(b);
        ByteBuffer s = b.slice(b.position(), n).order(ByteOrder.LITTLE_ENDIAN);
        b.position(b.position() + n);
        return s;
    }

    private static Event event(ByteBuffer b) {
        long step = 0;
        String version = null;
        Map<String, Float> scalars = new LinkedHashMap<>();
        while (b.hasRemaining()) {
            long key = varint(b);
            switch ((int) key) {
                case (1 << 3) | 1 -> assertThat(b.getDouble()).isPositive();   // wall_time
                case (2 << 3) -> step = varint(b);
                case (3 << 3) | 2 -> version = StandardCharsets.UTF_8.decode(sub(b)).toString();
                case (5 << 3) | 2 -> {
                    ByteBuffer summary = sub(b);
                    while (summary.hasRemaining()) {
                        assertThat(varint(summary)).isEqualTo((1 << 3) | 2);
                        ByteBuffer value = sub(summary);
                        assertThat(varint(value)).isEqualTo((1 << 3) | 2);
                        String tag = StandardCharsets.UTF_8.decode(sub(value)).toString();
                        assertThat(varint(value)).isEqualTo((2 << 3) | 5);
                        scalars.put(tag, value.getFloat());
                    }
                }
                default -> throw new AssertionError("unexpected field key " + key);
            }
        }
        return new Event(step, version, scalars);
    }

    @Test
    void shouldWriteTheVersionThenOneEventOfScalarsPerRecordOfTheMetricsLog() throws IOException {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Path file;
        try (MetricsLog log = MetricsLog.open(run);
             TensorBoardEvents tb = TensorBoardEvents.create(run.resolve("tensorboard"))) {
            file = tb.file();
            log.mirrorTo(tb::scalars);
            log.record().put("step", 25L).put("loss_x", 2.31f).put("size", 8L).put("accuracy_teacher", Double.NaN)
                    .put("mode", "noasker").write();
            log.record().put("step", 300L).put("eval_class/bits2", 0.75).write();
            log.record().put("note", 1L).write();   // no step: the log only
        }
        assertThat(file.getFileName().toString()).startsWith("events.out.tfevents.");
        List<Event> events = decode(file);
        assertThat(events).hasSize(3);
        assertThat(events.get(0).fileVersion()).isEqualTo("brain.Event:2");
        assertThat(events.get(1).step()).isEqualTo(25);
        assertThat(events.get(1).scalars()).containsExactly(Map.entry("loss_x", 2.31f), Map.entry("size", 8f));
        assertThat(events.get(2).step()).isEqualTo(300);
        assertThat(events.get(2).scalars()).containsExactly(Map.entry("eval_class/bits2", 0.75f));
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(3);
    }
}
