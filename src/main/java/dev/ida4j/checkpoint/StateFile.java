package dev.ida4j.checkpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SequencedMap;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code state.json}: the step, the size and checksums of every tensor file, and the caller's state tree. One line
 * of JSON whose first field is the CRC32C of every byte after its own eight hex digits:
 *
 * <pre>
 *   {"crc32c":"1f2e3d4c","format":"ida4j-checkpoint","format_version":1,"step":1200,
 *    "files":{"model.safetensors":{"bytes":N,"header_crc32c":"..","tensors":{"student.wte":"..",..}},..},
 *    "state":{..the caller's tree..}}
 *    ^ bytes [11, 19) are the hex digits; the checksum covers bytes [19, end), the final newline included
 * </pre>
 *
 * A file that does not start with that exact prefix, whose checksum does not match, or whose JSON breaks the schema
 * (unknown or duplicate keys, trailing content) is refused with a {@link CheckpointException} naming it.
 */
record StateFile(long step, SequencedMap<String, FileRecord> files, JsonNode state) {
    static final String NAME = "state.json";
    static final String FORMAT = "ida4j-checkpoint";
    static final int VERSION = 1;

    /** One tensor file: its size, the CRC32C of its header (length field, JSON, padding) and of each tensor's bytes. */
    record FileRecord(long bytes, int headerCrc, SequencedMap<String, Integer> tensorCrcs) {
    }

    private static final byte[] PREFIX = "{\"crc32c\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final int HEX_END = PREFIX.length + 8;

    // Jackson 3 keeps the last of duplicate keys and ignores trailing content unless told not to.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Set<String> TOP = Set.of("crc32c", "format", "format_version", "step", "files", "state");
    private static final Set<String> FILE = Set.of("bytes", "header_crc32c", "tensors");

    byte[] encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", VERSION);
        root.put("step", step);
        ObjectNode fileNodes = root.putObject("files");
        for (Map.Entry<String, FileRecord> f : files.entrySet()) {
            ObjectNode node = fileNodes.putObject(f.getKey());
            node.put("bytes", f.getValue().bytes());
            node.put("header_crc32c", Crc.hex(f.getValue().headerCrc()));
            ObjectNode tensors = node.putObject("tensors");
            f.getValue().tensorCrcs().forEach((name, crc) -> tensors.put(name, Crc.hex(crc)));
        }
        root.set("state", state);
        byte[] body = JSON.writeValueAsBytes(root); // {"format":...}
        byte[] out = new byte[HEX_END + 2 + body.length - 1 + 1];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        out[HEX_END] = '"';
        out[HEX_END + 1] = ',';
        System.arraycopy(body, 1, out, HEX_END + 2, body.length - 1);
        out[out.length - 1] = '\n';
        byte[] hex = Crc.hex(Crc.of(out, HEX_END, out.length)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hex, 0, out, PREFIX.length, 8);
        return out;
    }

    static StateFile decode(Path file, byte[] bytes) throws CheckpointException {
        if (bytes.length <= HEX_END || !Arrays.equals(bytes, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
            throw new CheckpointException(file, "does not start with {\"crc32c\":\"…: damaged, or not a"
                    + " checkpoint's state");
        }
        String recorded = new String(bytes, PREFIX.length, 8, StandardCharsets.ISO_8859_1);
        OptionalInt expected = Crc.parse(recorded);
        if (expected.isEmpty()) {
            throw new CheckpointException(file, "its checksum \"" + recorded + "\" is not 8 lowercase hex digits");
        }
        int actual = Crc.of(bytes, HEX_END, bytes.length);
        if (actual != expected.getAsInt()) {
            throw new CheckpointException(file, "checksum mismatch: its bytes give crc32c " + Crc.hex(actual)
                    + " but it records " + recorded + " (damaged or edited)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new CheckpointException(file, "not valid JSON: " + e.getOriginalMessage());
        }
        keys(file, "the top level", root, TOP);
        if (!FORMAT.equals(root.path("format").asString(""))) {
            throw new CheckpointException(file, "format is " + root.get("format") + ", not \"" + FORMAT + "\"");
        }
        long version = nonNegative(file, "format_version", root.get("format_version"));
        if (version != VERSION) {
            throw new CheckpointException(file, "format_version " + version + " is not supported (this build reads "
                    + VERSION + ")");
        }
        long step = nonNegative(file, "step", root.get("step"));
        SequencedMap<String, FileRecord> files = new LinkedHashMap<>();
        JsonNode fileNodes = root.get("files");
        if (!fileNodes.isObject()) {
            throw new CheckpointException(file, "files is not a JSON object");
        }
        for (Map.Entry<String, JsonNode> f : fileNodes.properties()) {
            files.put(f.getKey(), fileRecord(file, f.getKey(), f.getValue()));
        }
        return new StateFile(step, Collections.unmodifiableSequencedMap(files), root.get("state"));
    }

    private static FileRecord fileRecord(Path file, String name, JsonNode node) throws CheckpointException {
        String where = "files." + name;
        keys(file, where, node, FILE);
        long bytes = nonNegative(file, where + ".bytes", node.get("bytes"));
        int headerCrc = crc(file, where + ".header_crc32c", node.get("header_crc32c"));
        JsonNode tensorNodes = node.get("tensors");
        if (!tensorNodes.isObject()) {
            throw new CheckpointException(file, where + ".tensors is not a JSON object");
        }
        SequencedMap<String, Integer> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> t : tensorNodes.properties()) {
            tensors.put(t.getKey(), crc(file, where + ".tensors." + t.getKey(), t.getValue()));
        }
        return new FileRecord(bytes, headerCrc, Collections.unmodifiableSequencedMap(tensors));
    }

    /** {@code node} must be an object with exactly the keys {@code expected}. */
    private static void keys(Path file, String where, JsonNode node, Set<String> expected) throws CheckpointException {
        if (!node.isObject()) {
            throw new CheckpointException(file, where + " is not a JSON object");
        }
        for (String key : node.propertyNames()) {
            if (!expected.contains(key)) {
                throw new CheckpointException(file, where + " has an unknown key '" + key + "'");
            }
        }
        for (String key : expected) {
            if (!node.has(key)) {
                throw new CheckpointException(file, where + " lacks the key '" + key + "'");
            }
        }
    }

    private static long nonNegative(Path file, String where, JsonNode n) throws CheckpointException {
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new CheckpointException(file, where + " " + n + " is not an integer in [0, 2^63)");
        }
        return n.longValue();
    }

    private static int crc(Path file, String where, JsonNode n) throws CheckpointException {
        OptionalInt crc = n.isString() ? Crc.parse(n.stringValue()) : OptionalInt.empty();
        if (crc.isEmpty()) {
            throw new CheckpointException(file, where + " " + n + " is not a crc32c (8 lowercase hex digits)");
        }
        return crc.getAsInt();
    }
}
