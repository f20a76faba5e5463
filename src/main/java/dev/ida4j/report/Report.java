package dev.ida4j.report;

import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.RunDirectory;
import dev.ida4j.trace.TraceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Writes a report on one or more runs: {@code report.html} and, next to it, one PNG and one SVG per figure
 * ({@link Plots}). Each run is read from its {@code metrics.jsonl} and, for its task, mode and configuration, from
 * its newest checkpoint; a run without a readable checkpoint is still reported, named by its directory.
 */
public final class Report {
    public static final String PAGE = "report.html";

    private Report() {
    }

    /** What was written. */
    public record Written(Path page, List<Path> plots, List<String> warnings) {
    }

    /**
     * Reports on {@code runDirs} into {@code outDir} (created if needed; files of the same names are replaced).
     * Throws an IOException naming the run directory, file or line at fault before anything is written.
     */
    public static Written write(List<Path> runDirs, Path outDir) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<LoopConfig> configs = new ArrayList<>();
        List<RunMetrics> metrics = new ArrayList<>();
        for (Path dir : runDirs) {
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString(), null, "no such run directory");
            }
            metrics.add(RunMetrics.read(dir));
            configs.add(config(dir, warnings));
        }
        List<ReportRun> runs = label(runDirs, configs, metrics);
        List<Figure> figures = Plots.all(runs);
        Files.createDirectories(outDir);
        List<Path> plots = new ArrayList<>();
        for (Figure f : figures) {
            Path png = outDir.resolve(f.name() + ".png");
            Path svg = outDir.resolve(f.name() + ".svg");
            f.writePng(png);
            f.writeSvg(svg);
            plots.add(png);
            plots.add(svg);
        }
        // the trees of runs trained with --trace-every, a viewer page each
        Map<String, String> traces = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            List<Path> files = TraceFiles.ofRun(runs.get(i).dir().resolve("traces"));
            if (!files.isEmpty()) {
                String name = runs.size() == 1 ? "traces.html" : "traces-" + (i + 1) + ".html";
                TraceFiles.writeViewer(outDir.resolve(name), files, "ida4j traces: " + runs.get(i).fullLabel()
                        + " (" + files.size() + " generation batches)");
                traces.put(runs.get(i).fullLabel(), name);
            }
        }
        Path page = outDir.resolve(PAGE);
        ReportPage.write(page, runs, figures, warnings, traces);
        return new Written(page, plots, warnings);
    }

    private static LoopConfig config(Path dir, List<String> warnings) {
        try {
            return RunDirectory.config(dir);
        } catch (IOException | IllegalArgumentException e) {
            warnings.add(dir + ": task, mode and configuration unknown (" + e.getMessage() + ")");
            return null;
        }
    }

    /** Names (unique within a task, the mode where known) and colours, in the order the runs were given. */
    static List<ReportRun> label(List<Path> dirs, List<LoopConfig> configs, List<RunMetrics> metrics) {
        int n = dirs.size();
        List<String> tasks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LoopConfig c = configs.get(i);
            tasks.add(c == null ? ReportRun.UNKNOWN : c.taskName());
            labels.add(c == null ? dirName(dirs.get(i)) : c.mode().label());
        }
        disambiguate(tasks, labels, i -> configs.get(i) == null ? labels.get(i)
                : labels.get(i) + " (" + dirName(dirs.get(i)) + ")");
        disambiguate(tasks, labels, i -> labels.get(i) + " #" + (i + 1));
        boolean severalTasks = new HashSet<>(tasks).size() > 1;
        List<ReportRun> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String full = severalTasks ? tasks.get(i) + " " + labels.get(i) : labels.get(i);
            runs.add(new ReportRun(dirs.get(i), configs.get(i), metrics.get(i), labels.get(i), full,
                    Palette.colour(i)));
        }
        return runs;
    }

    /** Renames, by {@code rename}, every run whose label another run of its task shares. */
    private static void disambiguate(List<String> tasks, List<String> labels, IntFunction<String> rename) {
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            count.merge(tasks.get(i) + "\n" + labels.get(i), 1, Integer::sum);
        }
        List<String> renamed = IntStream.range(0, labels.size())
                .mapToObj(i -> count.get(tasks.get(i) + "\n" + labels.get(i)) > 1 ? rename.apply(i) : labels.get(i))
                .toList();
        labels.clear();
        labels.addAll(renamed);
    }

    private static String dirName(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? dir.toString() : name.toString();
    }
}
