package dev.ida4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/** Which figures a set of runs gets, and how its runs are named, from hand-written logs and configurations. */
class ReportPlotsTest {
    @TempDir
    Path dir;

    private RunMetrics metrics(String name, String log) throws IOException {
        Path run = Files.createDirectories(dir.resolve(name));
        Files.writeString(run.resolve("metrics.jsonl"), log);
        return RunMetrics.read(run);
    }

    private static final String AMPLIFICATION_LOG = """
            {"step":10,"size":4,"accuracy_teacher":0.1,"accuracy_targets":0.2,"targets_generated":64,"h_calls":500,\
            "loss_asker":0.5,"loss_asker_fresh":0.9}
            {"step":20,"size":4,"accuracy_teacher":0.2,"accuracy_targets":0.3,"targets_generated":64,"h_calls":510,\
            "loss_asker":0.2,"loss_asker_fresh":0.4}
            {"step":20,"eval_size":4,"eval_accuracy":0.15,"eval_class/x":0.15}
            """;
    private static final String SUPERVISED_LOG = """
            {"step":10,"size":4,"accuracy_teacher":0.3,"accuracy_targets":1.0,"targets_generated":64}
            {"step":20,"size":4,"accuracy_teacher":0.5,"accuracy_targets":1.0,"targets_generated":64}
            {"step":20,"eval_size":4,"eval_accuracy":0.45,"eval_class/x":0.45}
            """;

    private List<ReportRun> runs(String[] tasks, Mode[] modes) throws IOException {
        List<Path> dirs = new ArrayList<>();
        List<LoopConfig> configs = new ArrayList<>();
        List<RunMetrics> metrics = new ArrayList<>();
        for (int i = 0; i < tasks.length; i++) {
            dirs.add(dir.resolve("run" + i));
            configs.add(LoopConfig.defaults(tasks[i], modes[i], 4, 20, 0, 1));
            metrics.add(metrics("run" + i, modes[i] == Mode.SUPERVISED ? SUPERVISED_LOG : AMPLIFICATION_LOG));
        }
        return Report.label(dirs, configs, metrics);
    }

    private static List<String> names(List<Figure> figures) {
        return figures.stream().map(Figure::name).toList();
    }

    private static List<String> series(Figure f, int panel) {
        return f.panels().get(panel).getSeriesCollection().stream().map(XYSeries::getName).toList();
    }

    private static double[] values(XYChart chart, String series) {
        return chart.getSeriesCollection().stream().filter(s -> s.getName().equals(series)).findFirst()
                .orElseThrow().getYData();
    }

    @Test
    void shouldDrawOneAccuracyChartWithEveryRunOfOneTask() throws IOException {
        List<ReportRun> runs = runs(new String[] {"union-find", "union-find"},
                new Mode[] {Mode.AMPLIFICATION, Mode.SUPERVISED});
        assertThat(runs).extracting(ReportRun::label).containsExactly("amplification", "supervised");
        assertThat(runs).extracting(ReportRun::fullLabel).containsExactly("amplification", "supervised");
        List<Figure> figures = Plots.all(runs);
        assertThat(names(figures)).containsExactly("accuracy", "classes-run1", "classes-run2", "curriculum",
                "loss-asker", "h-calls");
        assertThat(series(figures.getFirst(), 0)).containsExactly("amplification teacher", "amplification targets",
                "amplification teacher, eval at size 4", "supervised teacher", "supervised targets",
                "supervised teacher, eval at size 4");
        XYChart calls = figures.get(names(figures).indexOf("h-calls")).panels().getFirst();
        // amplification counts its calls to H; supervised its labels, which add up per record
        assertThat(values(calls, "amplification: H calls")).containsExactly(500, 510);
        assertThat(values(calls, "supervised: labels")).containsExactly(64, 128);
    }

    @Test
    void shouldLayOutSeveralTasksAsFigure2() throws IOException {
        List<ReportRun> runs = runs(new String[] {"union-find", "union-find", "permutation-powering",
                "permutation-powering"}, new Mode[] {Mode.AMPLIFICATION, Mode.SUPERVISED, Mode.AMPLIFICATION,
                Mode.SUPERVISED});
        assertThat(runs).extracting(ReportRun::fullLabel).containsExactly("union-find amplification",
                "union-find supervised", "permutation-powering amplification", "permutation-powering supervised");
        List<Figure> figures = Plots.all(runs);
        Figure grid = figures.getFirst();
        assertThat(grid.name()).isEqualTo("figure2");
        assertThat(grid.panels()).extracting(XYChart::getTitle).containsExactly("union-find",
                "permutation-powering");
        assertThat(series(grid, 1)).containsExactly("amplification", "supervised");
        assertThat(values(grid.panels().get(1), "supervised")).containsExactly(0.45);
        assertThat(grid.columns()).isEqualTo(2);
        assertThat(names(figures)).contains("accuracy-union-find", "accuracy-permutation-powering");
    }

    @Test
    void shouldCountANoaskerRunsCallsToHFromItsLogOrElseFromItsTargets() throws IOException {
        LoopConfig noasker = LoopConfig.defaults("union-find", Mode.NOASKER, 4, 20, 0, 1);
        List<ReportRun> runs = Report.label(List.of(dir.resolve("new"), dir.resolve("old")), List.of(noasker, noasker),
                List.of(metrics("new", AMPLIFICATION_LOG), metrics("old", SUPERVISED_LOG)));
        assertThat(Plots.overseerCalls(runs.get(0)).values()).containsExactly(500, 510);
        assertThat(Plots.overseerCalls(runs.get(1)).values()).containsExactly(64, 128);   // logged before h_calls was
        assertThat(Plots.overseerCallsUnit(runs.get(1))).isEqualTo("H calls");
    }

    @Test
    void shouldTellApartRunsOfTheSameTaskAndMode() throws IOException {
        List<ReportRun> runs = runs(new String[] {"union-find", "union-find", "union-find"},
                new Mode[] {Mode.SUPERVISED, Mode.SUPERVISED, Mode.AMPLIFICATION});
        assertThat(runs).extracting(ReportRun::label).containsExactly("supervised (run0)", "supervised (run1)",
                "amplification");
        assertThat(runs).extracting(ReportRun::colour).doesNotHaveDuplicates();
        assertThat(series(Plots.all(runs).getFirst(), 0)).contains("supervised (run0) teacher",
                "supervised (run1) teacher");
    }
}
