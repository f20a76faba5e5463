package dev.ida4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Turns the JMH CSV of {@link ModelBench} (ms per call) into a markdown table with GFLOP/s and tokens/s.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.ida4j.bench.ModelTable results.csv}
 */
public final class ModelTable {
    private ModelTable() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("| benchmark | threads | ms/call (± error) | GFLOP/s | tokens/s |");
        System.out.println("|---|---|---|---|---|");
        for (String file : args) {
            List<String> lines = Files.readAllLines(Path.of(file));
            List<String> header = GemmTable.split(lines.getFirst());
            int bench = header.indexOf("Benchmark");
            int score = header.indexOf("Score");
            int error = header.indexOf("Score Error (99.9%)");
            int threads = header.indexOf("Param: threads");
            for (String line : lines.subList(1, lines.size())) {
                List<String> f = GemmTable.split(line);
                String name = f.get(bench).substring(f.get(bench).lastIndexOf('.') + 1);
                double ms = Double.parseDouble(f.get(score));
                double tokens = (double) ModelBench.B * ModelBench.T / (ms / 1e3);
                System.out.printf(Locale.ROOT, "| %s | %s | %.3f (± %s) | %.1f | %.0f |%n", name, f.get(threads), ms,
                        f.get(error), ModelBench.flops(name) / ms / 1e6, tokens);
            }
        }
    }
}
