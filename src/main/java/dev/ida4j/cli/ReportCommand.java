package dev.ida4j.cli;

import dev.ida4j.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ida4j report RUN [RUN...] [--out DIR]}: {@code report.html} with PNG and SVG plots, in {@code RUN/report/}
 * for one run, in {@code --out DIR} (required) for several.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Plot runs' metrics: report.html with PNG and SVG plots (accuracy, accuracy per question class,"
                + " curriculum size, losses, H calls, throughput).",
                "One run: written into RUN/report/. Several runs (compared in the same charts): written into --out."})
final class ReportCommand implements Runnable {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "run directories (holding metrics.jsonl)")
    List<Path> runs;
    @Option(names = "--out", description = "folder for the report (default, for one run: RUN/report; required for"
            + " several)")
    Path out;

    @Override
    public void run() {
        if (out == null && runs.size() > 1) {
            throw new Main.UsageException("comparing " + runs.size() + " runs: say where the report goes with"
                    + " --out DIR");
        }
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw new Main.UsageException("--out " + out + " is a file: the report needs a folder");
        }
        System.setProperty("java.awt.headless", "true");   // before any AWT class loads: servers have no display
        try {
            Report.Written w = Report.write(runs, out != null ? out : runs.getFirst().resolve("report"));
            w.warnings().forEach(line -> System.err.println("ida4j report: " + line));
            System.out.println("report: " + w.page().toAbsolutePath() + " (" + w.plots().size() / 2 + " plots)");
        } catch (IOException e) {
            throw new Main.WorkException(e.getMessage());
        }
    }
}
