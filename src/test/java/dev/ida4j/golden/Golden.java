package dev.ida4j.golden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * One golden file: named fingerprints of today's outputs, bit for bit (a float as its bits, an array or tensor as
 * the SHA-256 of its little-endian bytes), kept in {@code src/test/resources/golden/NAME.txt} as "key value" lines.
 * {@link #check} compares against the file and names every key that differs; run with
 * {@code -Dida4j.golden.record=true} it writes the file instead (a change meant to alter the numbers re-records, and
 * says why in its commit). A file missing for this machine (another vector width) skips, saying so.
 */
final class Golden {
    private static final Path DIR = Path.of("src", "test", "resources", "golden");
    private static final boolean RECORD = Boolean.getBoolean("ida4j.golden.record");

    private final String name;
    private final Map<String, String> values = new LinkedHashMap<>();

    Golden(String name) {
        this.name = name;
    }

    Golden put(String key, float value) {
        return add(key, String.format("%08x (%s)", Float.floatToRawIntBits(value), value));
    }

    Golden put(String key, double value) {
        return add(key, String.format("%016x (%s)", Double.doubleToRawLongBits(value), value));
    }

    Golden put(String key, Tensor t) {
        return add(key, sha256(t.segment().toArray(ValueLayout.JAVA_BYTE)) + " " + t.shapeString());
    }

    Golden put(String key, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return add(key, sha256(b.array()) + " [" + values.length + "]");
    }

    Golden put(String key, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return add(key, sha256(b.array()) + " [" + values.length + "]");
    }

    Golden put(String key, byte[] bytes) {
        return add(key, sha256(bytes) + " (" + bytes.length + " bytes)");
    }

    Golden put(String key, String text) {
        return put(key, text.getBytes(StandardCharsets.UTF_8));
    }

    private Golden add(String key, String value) {
        if (values.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("golden " + name + ": key " + key + " given twice");
        }
        return this;
    }

    /** Records the file, or checks every key against it. */
    void check() {
        Path file = DIR.resolve(name + ".txt");
        try {
            if (RECORD) {
                List<String> lines = new ArrayList<>();
                values.forEach((k, v) -> lines.add(k + " " + v));
                Files.createDirectories(DIR);
                Files.write(file, lines);
                return;
            }
            Assumptions.assumeTrue(Files.exists(file), () -> "no golden file " + file + " for this machine (record one"
                    + " with -Dida4j.golden.record=true on a build whose numbers are trusted)");
            Map<String, String> expected = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                int space = line.indexOf(' ');
                expected.put(line.substring(0, space), line.substring(space + 1));
            }
            List<String> differences = new ArrayList<>();
            expected.forEach((k, v) -> {
                if (!v.equals(values.get(k))) {
                    differences.add(k + ": expected " + v + ", got " + values.getOrDefault(k, "nothing"));
                }
            });
            values.keySet().stream().filter(k -> !expected.containsKey(k))
                    .forEach(k -> differences.add(k + ": not in the golden file"));
            assertThat(differences).as("golden %s: %d of %d values differ (bits, or SHA-256 of the output)", file,
                    differences.size(), expected.size()).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
