package dev.ida4j.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Trace files: JSON Lines, one tree per line ({@code TRACES.md}), appended as they are made; and the viewer, a
 * self-contained HTML page that embeds the first {@value #EMBEDDED} trees of the files it is made from and opens
 * others from disk.
 */
public final class TraceFiles {
    /** Trees embedded in a viewer page at most; the page says how many more its files hold. */
    public static final int EMBEDDED = 5000;

    private TraceFiles() {
    }

    /** Writes {@code lines} to {@code out}, one per line, counting them into {@code summary}. */
    public static void write(Writer out, List<? extends JsonNode> lines, TraceSummary summary) throws IOException {
        for (JsonNode line : lines) {
            out.write(TraceRecorder.JSON.writeValueAsString(line));
            out.write('\n');
            summary.add(line);
        }
    }

    /**
     * Writes the viewer page {@code page} for the trace files {@code files}, in their order (written whole, then
     * moved into place).
     *
     * @throws IOException naming a file whose line is not JSON
     */
    public static void writeViewer(Path page, List<Path> files, String title) throws IOException {
        StringBuilder data = new StringBuilder("[");
        int embedded = 0;
        int total = 0;
        for (Path file : files) {
            // streamed: a large file is counted, not held
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                int number = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    total++;
                    if (embedded == EMBEDDED) {
                        continue;
                    }
                    try {
                        TraceRecorder.JSON.readTree(line);
                    } catch (JacksonException e) {
                        throw new IOException(file + ":" + number + ": not a trace line: " + e.getOriginalMessage());
                    }
                    data.append(embedded++ == 0 ? "" : ",\n").append(line);
                }
            } catch (CharacterCodingException e) {
                throw new IOException(file + ": not UTF-8 (" + e + ")");
            }
        }
        data.append(']');
        String template;
        try (InputStream in = TraceFiles.class.getResourceAsStream("viewer.html")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String html = template.replace("{{title}}", escape(title))
                .replace("{{total}}", Integer.toString(total))
                // inside a script element only "</" could end it early
                .replace("{{traces}}", data.toString().replace("</", "<\\/"));
        Path tmp = page.resolveSibling(page.getFileName() + ".tmp");
        Files.writeString(tmp, html, StandardCharsets.UTF_8);
        Files.move(tmp, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The trace files of a run's {@code traces/} folder, by step. */
    public static List<Path> ofRun(Path tracesDir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(tracesDir)) {
            try (var list = Files.list(tracesDir)) {
                list.filter(p -> p.getFileName().toString().matches("step-\\d+\\.jsonl")).forEach(files::add);
            }
        }
        files.sort((a, b) -> Long.compare(stepOf(a), stepOf(b)));
        return files;
    }

    private static long stepOf(Path p) {
        String name = p.getFileName().toString();
        return Long.parseLong(name.substring("step-".length(), name.length() - ".jsonl".length()));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
