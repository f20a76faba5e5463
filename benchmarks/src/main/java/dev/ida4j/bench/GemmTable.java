package dev.ida4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH CSV results of {@link GemmBench} and {@link OpenBlasGemmBench} (ms per product) into a markdown table of
 * GFLOP/s and the ida4j / OpenBLAS ratio, per shape and thread count. With several files (repeated rounds) each
 * cell is the median over the rounds.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.ida4j.bench.GemmTable results1.csv [results2.csv ...]}
 */
public final class GemmTable {
    private GemmTable() {
    }

    public static void main(String[] args) throws IOException {
        // (shape, threads) -> impl -> scores in ms
        Map<String, Map<String, List<Double>>> cells = new LinkedHashMap<>();
        for (String file : args) {
            List<String> lines = Files.readAllLines(Path.of(file));
            List<String> header = split(lines.getFirst());
            int bench = header.indexOf("Benchmark");
            int score = header.indexOf("Score");
            int unit = header.indexOf("Unit");
            int shape = header.indexOf("Param: shape");
            int threads = header.indexOf("Param: threads");
            for (String line : lines.subList(1, lines.size())) {
                List<String> f = split(line);
                if (f.size() < header.size() || !f.get(unit).equals("ms/op")) {
                    continue;
                }
                String impl = f.get(bench).contains("OpenBlas") ? "openblas" : "ida4j";
                cells.computeIfAbsent(f.get(shape) + "|" + f.get(threads), x -> new LinkedHashMap<>())
                        .computeIfAbsent(impl, x -> new ArrayList<>())
                        .add(Double.parseDouble(f.get(score)));
            }
        }
        System.out.println("| shape (MxNxK) | threads | ida4j ms | ida4j GFLOP/s | OpenBLAS ms | OpenBLAS GFLOP/s"
                + " | ida4j / OpenBLAS | rounds |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Map.Entry<String, Map<String, List<Double>>> e : cells.entrySet()) {
            String[] key = e.getKey().split("\\|");
            GemmShape s = GemmShape.parse(key[0]);
            List<Double> ours = e.getValue().getOrDefault("ida4j", List.of());
            List<Double> peer = e.getValue().getOrDefault("openblas", List.of());
            double ms = median(ours);
            double peerMs = median(peer);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %d/%d |%n", key[0], key[1],
                    fmt(ms, "%.3f"), fmt(s.flops() / ms / 1e6, "%.1f"), fmt(peerMs, "%.3f"),
                    fmt(s.flops() / peerMs / 1e6, "%.1f"), fmt(peerMs / ms, "%.2f"), ours.size(), peer.size());
        }
    }

    private static String fmt(double v, String format) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    private static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** One CSV line as JMH writes it: fields in double quotes or bare, separated by commas. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
