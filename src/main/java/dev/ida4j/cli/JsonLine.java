package dev.ida4j.cli;

import java.util.Locale;

/**
 * Builds one flat JSON object on one line (numbers, strings, booleans and arrays of numbers only), for
 * machine-readable output.
 */
final class JsonLine {
    private final StringBuilder sb = new StringBuilder("{");

    JsonLine put(String key, String value) {
        key(key).append('"');
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
        return this;
    }

    JsonLine put(String key, long value) {
        key(key).append(value);
        return this;
    }

    JsonLine put(String key, double value) {
        key(key).append(Double.isFinite(value) ? String.format(Locale.ROOT, "%.6g", value) : "null");
        return this;
    }

    JsonLine put(String key, double[] values) {
        StringBuilder out = key(key).append('[');
        for (int i = 0; i < values.length; i++) {
            out.append(i == 0 ? "" : ",").append(Double.isFinite(values[i])
                    ? String.format(Locale.ROOT, "%.6g", values[i]) : "null");
        }
        out.append(']');
        return this;
    }

    JsonLine put(String key, boolean value) {
        key(key).append(value);
        return this;
    }

    private StringBuilder key(String key) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        return sb.append('"').append(key).append("\":");
    }

    @Override
    public String toString() {
        return sb + "}";
    }
}
