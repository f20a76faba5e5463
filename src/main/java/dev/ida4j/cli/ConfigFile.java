package dev.ida4j.cli;

import dev.ida4j.io.Utf8;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * A flat TOML config file ({@code key = value} lines, {@code #} comments), read strictly: every problem is collected,
 * each naming its line and key, instead of stopping at the first. Duplicate keys are all reported (TOML forbids them;
 * the parser alone would stop at the first), and the rest of the file is still checked.
 */
final class ConfigFile {
    private static final TomlMapper TOML = TomlMapper.builder().build();
    /** A key at the start of a line: bare, or a basic or literal quoted string. */
    private static final Pattern KEY = Pattern.compile("^\\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\\s*=");
    /** A table header, {@code [name]} or {@code [[name]]}. */
    private static final Pattern TABLE = Pattern.compile("^\\s*\\[\\[?\\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')");

    /** One value of the file and the line (1-based) it is on. */
    record Entry(JsonNode value, int line) {
    }

    private ConfigFile() {
    }

    /**
     * The file's entries by key, in file order; problems (duplicates, syntax, tables) are added to {@code problems}
     * as {@code "FILE:LINE: ..."} lines. A file that cannot be read is one problem.
     */
    static Map<String, Entry> read(Path file, List<String> problems) {
        String text;
        try {
            text = Utf8.read(file);
        } catch (IOException e) {
            problems.add(file + ": cannot read the config file (" + e.getMessage() + ")");
            return Map.of();
        }
        String[] lines = text.split("\n", -1);
        Map<String, Integer> firstLine = new HashMap<>();
        Map<String, Integer> keyLines = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = KEY.matcher(lines[i]);
            if (!m.find()) {
                Matcher t = TABLE.matcher(lines[i]);
                if (t.find()) {
                    keyLines.putIfAbsent(unquote(t.group(1)), i + 1);
                }
                continue;
            }
            String key = unquote(m.group(1));
            Integer first = firstLine.putIfAbsent(key, i + 1);
            if (first != null) {
                problems.add(file + ":" + (i + 1) + ": duplicate key '" + key + "' (first set on line " + first + ")");
                lines[i] = "#" + lines[i];   // keeps the line numbers; the first value is the one checked further
            } else {
                keyLines.put(key, i + 1);
            }
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        JsonNode tree;
        try (JsonParser p = TOML.createParser(String.join("\n", lines))) {
            tree = TOML.readTree(p);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            problems.add(file + ":" + line + ": " + e.getOriginalMessage());
            return entries;
        }
        if (tree == null || !tree.isObject()) {
            return entries;
        }
        for (Map.Entry<String, JsonNode> e : tree.properties()) {
            int line = keyLines.getOrDefault(e.getKey(), 0);
            if (e.getValue().isContainer()) {
                problems.add(file + ":" + line + ": '" + e.getKey() + "' is a table or array; this config file"
                        + " is flat: key = value lines only");
                continue;
            }
            entries.put(e.getKey(), new Entry(e.getValue(), line));
        }
        return entries;
    }

    private static String unquote(String key) {
        char c = key.charAt(0);
        return c == '"' || c == '\'' ? key.substring(1, key.length() - 1) : key;
    }

    /** TOML text of flat key/value pairs (strings, numbers, booleans), one per line in the map's order. */
    static String write(Map<String, Object> values) {
        return TOML.writeValueAsString(values);
    }
}
