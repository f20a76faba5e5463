package dev.ida4j.io;

import dev.ida4j.tensor.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON header of a safetensors file, parsed and checked against the data section's length before a single
 * tensor is allocated: metadata (string to string) and the tensor entries in data order, which tile the data
 * section exactly. Every byte is treated as hostile; every refusal is a {@link SafeTensorsException}.
 */
record SafeTensorsHeader(Map<String, String> metadata, List<Entry> entries) {
    static final String METADATA = "__metadata__";

    /** One tensor: its bytes are {@code [begin, end)} of the data section. */
    record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    // Jackson 3 keeps the last of duplicate keys and ignores trailing content unless told not to.
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");

    static String code(DType dtype) {
        return switch (dtype) {
            case F32 -> "F32";
            case I32 -> "I32";
        };
    }

    /** Parses {@code json} and checks that its tensors tile a data section of {@code dataBytes} bytes. */
    static SafeTensorsHeader parse(Path file, byte[] json, long dataBytes) throws SafeTensorsException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new SafeTensorsException(file, "header is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset()));
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsException(file, "header is not a JSON object");
        }
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : root.properties()) {
            if (p.getKey().equals(METADATA)) {
                metadata = metadata(file, p.getValue());
            } else {
                entries.add(entry(file, p.getKey(), p.getValue()));
            }
        }
        // Sorting by (begin, end) puts empty tensors before a tensor starting at the same byte, so they tile too.
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkTiling(file, entries, dataBytes);
        return new SafeTensorsHeader(metadata, List.copyOf(entries));
    }

    private static Map<String, String> metadata(Path file, JsonNode node) throws SafeTensorsException {
        if (!node.isObject()) {
            throw new SafeTensorsException(file, METADATA + " is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : node.properties()) {
            if (!p.getValue().isString()) {
                throw new SafeTensorsException(file, METADATA + " value of '" + p.getKey() + "' is not a string");
            }
            metadata.put(p.getKey(), p.getValue().stringValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static Entry entry(Path file, String name, JsonNode node) throws SafeTensorsException {
        if (!node.isObject()) {
            throw new SafeTensorsException(file, name, "entry is not a JSON object");
        }
        for (String field : node.propertyNames()) {
            if (!ENTRY_FIELDS.contains(field)) {
                throw new SafeTensorsException(file, name, "unknown field '" + field + "'");
            }
        }
        DType dtype = dtype(file, name, field(file, name, node, "dtype"));
        JsonNode shapeNode = array(file, name, node, "shape");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            long d = nonNegative(file, name, "shape", shapeNode.get(i));
            if (d > Integer.MAX_VALUE) {
                throw new SafeTensorsException(file, name, "dimension " + d + " exceeds " + Integer.MAX_VALUE);
            }
            shape[i] = (int) d;
        }
        JsonNode offsets = array(file, name, node, "data_offsets");
        if (offsets.size() != 2) {
            throw new SafeTensorsException(file, name, "data_offsets has " + offsets.size() + " values, not 2");
        }
        long begin = nonNegative(file, name, "data_offsets", offsets.get(0));
        long end = nonNegative(file, name, "data_offsets", offsets.get(1));
        if (end < begin) {
            throw new SafeTensorsException(file, name, "data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        long bytes = byteSize(file, name, dtype, shape);
        if (end - begin != bytes) {
            throw new SafeTensorsException(file, name, "data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                    + " bytes but " + code(dtype) + Arrays.toString(shape) + " needs " + bytes);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long byteSize(Path file, String name, DType dtype, int[] shape) throws SafeTensorsException {
        try {
            long n = dtype.bytes();
            for (int d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new SafeTensorsException(file, name, "shape " + Arrays.toString(shape) + " of " + code(dtype)
                    + " overflows 64-bit byte arithmetic");
        }
    }

    /** Sorted entries must start at 0, follow each other without gap or overlap, and end at the end of the data. */
    private static void checkTiling(Path file, List<Entry> entries, long dataBytes) throws SafeTensorsException {
        long expected = 0;
        String previous = null;
        for (Entry e : entries) {
            if (e.begin() != expected) {
                String problem = previous == null
                        ? "the first tensor's data begins at " + e.begin() + ", not 0"
                        : e.begin() > expected
                        ? "data begins at " + e.begin() + ", leaving a gap after tensor '" + previous + "' which ends at " + expected
                        : "data begins at " + e.begin() + ", overlapping tensor '" + previous + "' which ends at " + expected;
                throw new SafeTensorsException(file, e.name(), problem);
            }
            if (e.end() > dataBytes) {
                throw new SafeTensorsException(file, e.name(), "data ends at " + e.end()
                        + ", past the end of the file's " + dataBytes + "-byte data section");
            }
            expected = e.end();
            previous = e.name();
        }
        if (expected != dataBytes) {
            throw new SafeTensorsException(file, (dataBytes - expected) + " trailing bytes after the last tensor's data"
                    + (previous == null ? "" : " ('" + previous + "' ends at " + expected + ")"));
        }
    }

    private static JsonNode field(Path file, String name, JsonNode node, String field) throws SafeTensorsException {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new SafeTensorsException(file, name, "missing field '" + field + "'");
        }
        return value;
    }

    private static JsonNode array(Path file, String name, JsonNode node, String field) throws SafeTensorsException {
        JsonNode value = field(file, name, node, field);
        if (!value.isArray()) {
            throw new SafeTensorsException(file, name, field + " is not a JSON array");
        }
        return value;
    }

    private static long nonNegative(Path file, String name, String field, JsonNode n) throws SafeTensorsException {
        // Jackson reads 1.0 and 1e3 as floating point, and integers beyond 64 bits as BigInteger: refuse both.
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new SafeTensorsException(file, name, field + " value " + n + " is not an integer in [0, 2^63)");
        }
        return n.longValue();
    }

    private static DType dtype(Path file, String name, JsonNode node) throws SafeTensorsException {
        String code = node.isString() ? node.stringValue() : "";
        return switch (code) {
            case "F32" -> DType.F32;
            case "I32" -> DType.I32;
            default -> throw new SafeTensorsException(file, name, "unknown dtype " + node + " (this reader knows F32, I32)");
        };
    }
}
