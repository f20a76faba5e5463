package dev.ida4j.report;

import dev.ida4j.loop.LoopConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code report.html}: a self-contained page (inline style, no script, nothing fetched) with a summary table per
 * run, each run's configuration, and the figures as PNG images linking to their SVGs, which lie next to it.
 */
final class ReportPage {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String STYLE = """
            body { font-family: "DejaVu Sans", sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; }
            th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; }
            figure { margin: 2.5em 0; }
            figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #555; margin: 0.3em 0 0.6em; }
            details { margin: 0.4em 0; } code { font-size: 0.95em; }
            .warning { color: #a33; }
            """;

    private ReportPage() {
    }

    /** The page; {@code traces}: each traced run's label and its viewer page's file name. */
    static void write(Path file, List<ReportRun> runs, List<Figure> figures, List<String> warnings,
                      Map<String, String> traces) throws IOException {
        Set<String> tasks = new LinkedHashSet<>();
        runs.forEach(r -> tasks.add(r.task()));
        StringBuilder h = new StringBuilder();
        String title = "ida4j report: " + String.join(", ", tasks);
        h.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(esc(title)).append("</h1>\n<p>")
                .append(runs.size() == 1 ? "One run" : runs.size() + " runs")
                .append(", read from each run's <code>metrics.jsonl</code> and newest checkpoint. Steps are X training"
                        + " steps; accuracy is exact match against the ground truth.</p>\n");
        for (String w : warnings) {
            h.append("<p class=\"warning\">").append(esc(w)).append("</p>\n");
        }
        summary(h, runs);
        for (ReportRun r : runs) {
            config(h, r);
        }
        if (!traces.isEmpty()) {
            h.append("<h2>Traces</h2>\n<p>Trees of the generation batches that runs trained with"
                    + " <code>--trace-every</code> recorded, node by node, with the ground truth:</p>\n<ul>\n");
            traces.forEach((label, href) -> h.append("<li><a href=\"").append(esc(href)).append("\">")
                    .append(esc(label)).append("</a></li>\n"));
            h.append("</ul>\n");
        }
        for (Figure f : figures) {
            h.append("<figure id=\"").append(esc(f.name())).append("\">\n<h2>").append(esc(f.title()))
                    .append("</h2>\n<figcaption>").append(esc(f.caption())).append(" <a href=\"")
                    .append(esc(f.name())).append(".svg\">SVG</a></figcaption>\n<a href=\"").append(esc(f.name()))
                    .append(".svg\"><img src=\"").append(esc(f.name())).append(".png\" width=\"").append(f.width())
                    .append("\" height=\"").append(f.height()).append("\" alt=\"").append(esc(f.title()))
                    .append("\"></a>\n</figure>\n");
        }
        h.append("</body>\n</html>\n");
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }

    private static void summary(StringBuilder h, List<ReportRun> runs) {
        h.append("<h2>Runs</h2>\n<table>\n<tr><th></th><th>run</th><th>task</th><th>mode</th><th>size</th>"
                + "<th>steps</th><th>teacher accuracy (last evaluation)</th><th>H calls</th><th>wall time</th></tr>\n");
        for (ReportRun r : runs) {
            RunMetrics m = r.metrics();
            double size = m.training("size").last();
            Series eval = m.evaluation("eval_accuracy");
            double calls = Plots.lastOverseerCalls(r);
            h.append("<tr><td><span class=\"swatch\" style=\"background:").append(Palette.hex(r.colour()))
                    .append("\"></span></td><td>").append(esc(r.label())).append("<br><code>")
                    .append(esc(r.dir().toAbsolutePath().normalize().toString())).append("</code></td><td>")
                    .append(esc(r.task())).append("</td><td>").append(esc(r.mode())).append("</td><td class=\"n\">")
                    .append(Double.isNaN(size) ? "–" : String.valueOf((long) size))
                    .append(r.config() == null ? "" : " of " + r.config().size())
                    .append("</td><td class=\"n\">").append(String.format(Locale.ROOT, "%,d", m.lastStep()))
                    .append("</td><td class=\"n\">").append(eval.isEmpty() ? "–" : String.format(Locale.ROOT,
                            "%.3f at step %,d, size %s", eval.last(), (long) eval.steps()[eval.steps().length - 1],
                            Plots.evalSize(r)))
                    .append("</td><td class=\"n\">").append(Double.isNaN(calls) ? "–" : String.format(Locale.ROOT,
                            "%,d %s", (long) calls, Plots.overseerCallsUnit(r)))
                    .append("</td><td class=\"n\">").append(duration(m.wallSeconds())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void config(StringBuilder h, ReportRun r) {
        LoopConfig c = r.config();
        if (c == null) {
            return;
        }
        h.append("<details><summary>Configuration of ").append(esc(r.fullLabel())).append("</summary>\n<table>\n");
        JsonNode tree = JSON.valueToTree(c);
        for (Map.Entry<String, JsonNode> field : tree.properties()) {
            h.append("<tr><td><code>").append(esc(field.getKey())).append("</code></td><td>")
                    .append(esc(field.getValue().asString())).append("</td></tr>\n");
        }
        h.append("</table>\n</details>\n");
    }

    /** {@code 1:02:03} or {@code 2:03}; a dash when unknown. */
    static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "–";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String esc(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
