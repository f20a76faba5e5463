package dev.ida4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of a report, each against X steps: accuracy per task (and, for several tasks, the grid of the paper's
 * Figure 2), accuracy per question class, curriculum size, losses, calls to H and throughput. A run keeps one colour
 * throughout; a figure no run has data for is left out.
 */
final class Plots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;
    private static final int PANEL_WIDTH = 440;
    private static final int PANEL_HEIGHT = 340;
    private static final Color GRID = new Color(0xe4e4e4);

    private Plots() {
    }

    static List<Figure> all(List<ReportRun> runs) {
        Map<String, List<ReportRun>> byTask = new LinkedHashMap<>();
        for (ReportRun r : runs) {
            byTask.computeIfAbsent(r.task(), t -> new ArrayList<>()).add(r);
        }
        List<Figure> figures = new ArrayList<>();
        if (byTask.size() > 1) {
            figures.add(figure2(byTask));
        }
        byTask.forEach((task, taskRuns) -> figures.add(accuracy(byTask.size() == 1 ? "accuracy"
                : "accuracy-" + task.replaceAll("[^A-Za-z0-9_-]", "_"), task, taskRuns)));
        for (int i = 0; i < runs.size(); i++) {
            figures.add(classes(runs.size() == 1 ? "classes" : "classes-run" + (i + 1), runs.get(i)));
        }
        figures.add(curriculum(runs));
        figures.add(perRun("loss-x", "X loss", "X's training loss, averaged over the steps between records"
                + " (logarithmic axis).", "loss", runs, r -> r.metrics().training("loss_x"), true));
        figures.add(askerLoss(runs));
        figures.add(overseerCalls(runs));
        figures.add(perRun("throughput", "Throughput", "Questions per second of X training (time spent generating"
                + " targets excluded).", "questions/s", runs, r -> r.metrics().training("questions_per_s"), false));
        figures.removeIf(f -> f.panels().isEmpty());
        return figures;
    }

    /** Teacher accuracy (solid), target accuracy (dashed) and evaluations at the final size (dots) of one task. */
    private static Figure accuracy(String name, String task, List<ReportRun> runs) {
        XYChart c = chart(WIDTH, HEIGHT, "Accuracy: " + task, "accuracy");
        accuracyAxis(c);
        for (ReportRun r : runs) {
            add(c, r.label() + " teacher", r.metrics().training("accuracy_teacher"), r.colour(), SeriesLines.SOLID);
            add(c, r.label() + " targets", r.metrics().training("accuracy_targets"), r.colour(), SeriesLines.DASH_DASH);
            XYSeries eval = add(c, r.label() + " teacher, eval at size " + evalSize(r),
                    r.metrics().evaluation("eval_accuracy"), r.colour(), SeriesLines.NONE);
            dots(eval);
            if (eval != null) {
                eval.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            }
        }
        return figure(name, "Teacher and target accuracy: " + task, "Against ground truth, on the generation batches"
                + " at the curriculum's size: the EMA teacher (solid) and its training targets (dashed); dots: the"
                + " teacher evaluated on fresh questions of the final size.", c);
    }

    /** One panel per task, the teacher's evaluated accuracy of every run of it (Figure 2 of the 2018 paper). */
    private static Figure figure2(Map<String, List<ReportRun>> byTask) {
        List<XYChart> panels = new ArrayList<>();
        byTask.forEach((task, runs) -> {
            XYChart c = chart(PANEL_WIDTH, PANEL_HEIGHT, task, "accuracy");
            accuracyAxis(c);
            c.getStyler().setLegendPosition(LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(LegendLayout.Horizontal);
            for (ReportRun r : runs) {
                dots(add(c, r.label(), r.metrics().evaluation("eval_accuracy"), r.colour(), SeriesLines.SOLID));
            }
            if (!c.getSeriesCollection().isEmpty()) {
                panels.add(c);
            }
        });
        return new Figure("figure2", "Accuracy per task", "The teacher's accuracy on fresh questions of each run's"
                + " final size, one panel per task, as in Figure 2 of Christiano, Shlegeris and Amodei (2018).",
                panels, Math.min(2, panels.size()));
    }

    private static Figure classes(String name, ReportRun r) {
        XYChart c = chart(WIDTH, HEIGHT, "Accuracy per question class: " + r.fullLabel(), "accuracy");
        accuracyAxis(c);
        int i = 0;
        for (String questionClass : r.metrics().evalClasses()) {
            // past the palette's ten colours, the same colours again with other lines: no two classes look alike
            BasicStroke line = List.of(SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT)
                    .get(i / Palette.SIZE % 3);
            dots(add(c, questionClass, r.metrics().classAccuracy(questionClass), Palette.colour(i++), line));
        }
        return figure(name, "Accuracy per question class: " + r.fullLabel(), "The teacher evaluated on fresh"
                + " questions of size " + evalSize(r) + ", by question class.", c);
    }

    /** Later runs drawn thinner, so that runs at the same sizes stay visible. */
    private static Figure curriculum(List<ReportRun> runs) {
        XYChart c = chart(WIDTH, HEIGHT, "Curriculum size", "instance size");
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisDecimalPattern("0");
        for (int i = 0; i < runs.size(); i++) {
            ReportRun r = runs.get(i);
            XYSeries s = add(c, r.fullLabel(), r.metrics().training("size"), r.colour(), SeriesLines.SOLID);
            if (s != null) {
                s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Step);
                s.setLineStyle(new BasicStroke(2 + 3 * (runs.size() - 1 - i)));
            }
        }
        return figure("curriculum", "Curriculum size", "The instance size of the generated questions; it grows when"
                + " the teacher agrees with its targets often enough. Runs at the same size overlap (earlier runs are"
                + " drawn thicker).", c);
    }

    /** Supervised runs dashed: they count labels, which overlap a noasker run's count of its calls to H. */
    private static Figure overseerCalls(List<ReportRun> runs) {
        XYChart c = chart(WIDTH, HEIGHT, "Calls to H", "calls (cumulative)");
        double low = Double.POSITIVE_INFINITY;
        double high = 0;
        for (ReportRun r : runs) {
            for (double v : overseerCalls(r).positive().values()) {
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
        }
        boolean wide = high >= 10 * low;
        if (wide) {
            logarithmic(c);   // a short run's calls span less than a decade: a log axis would have no labelled tick
        } else {
            c.getStyler().setYAxisDecimalPattern("#,##0");
        }
        for (ReportRun r : runs) {
            add(c, r.fullLabel() + ": " + overseerCallsUnit(r), overseerCalls(r).positive(), r.colour(),
                    r.mode().equals("supervised") ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
        }
        return figure("h-calls", "Calls to H", "Amplification: calls to the real overseer H, whose transcripts train"
                + " H′. Noasker: one call per target question. Supervised: ground-truth labels instead (dashed)."
                + (wide ? " Logarithmic axis." : ""), c);
    }

    private static Figure askerLoss(List<ReportRun> runs) {
        XYChart c = chart(WIDTH, HEIGHT, "H′ loss", "loss");
        logarithmic(c);
        for (ReportRun r : runs) {
            add(c, r.fullLabel() + " fresh", r.metrics().training("loss_asker_fresh").positive(), r.colour(),
                    SeriesLines.SOLID);
            add(c, r.fullLabel() + " training", r.metrics().training("loss_asker").positive(), r.colour(),
                    SeriesLines.DASH_DASH);
        }
        return figure("loss-asker", "H′ loss", "The learned overseer's loss on fresh transcripts of H before it trains"
                + " on them (solid; it sets H's call budget) and on its last training batch (dashed). Logarithmic"
                + " axis.", c);
    }

    private static Figure perRun(String name, String title, String caption, String yTitle, List<ReportRun> runs,
                                 Function<ReportRun, Series> metric, boolean logarithmic) {
        XYChart c = chart(WIDTH, HEIGHT, title, yTitle);
        if (logarithmic) {
            logarithmic(c);
        }
        for (ReportRun r : runs) {
            Series s = metric.apply(r);
            add(c, r.fullLabel(), logarithmic ? s.positive() : s, r.colour(), SeriesLines.SOLID);
        }
        return figure(name, title, caption, c);
    }

    /**
     * H's share of the work, cumulative: {@code h_calls} (amplification: H's transcripts for H′; noasker: one call per
     * target question, counted by logs since ida4j logged it in every mode, else from the targets generated); for
     * the supervised baseline, which calls H never, its ground-truth labels.
     */
    static Series overseerCalls(ReportRun r) {
        Series targets = r.metrics().training("targets_generated").cumulative();
        Series calls = r.metrics().training("h_calls");
        return switch (r.mode()) {
            case "supervised" -> targets;
            case "noasker" -> calls.isEmpty() ? targets : calls;
            default -> calls;
        };
    }

    /**
     * The calls to H at the run's last record: an evaluation's (they log it too) when it is later than the last
     * training record, as at the end of a run that stopped between two of those; what {@code train} printed.
     */
    static double lastOverseerCalls(ReportRun r) {
        Series logged = overseerCalls(r);
        Series evaluated = r.metrics().evaluation("h_calls");
        boolean later = !evaluated.isEmpty() && (logged.isEmpty()
                || evaluated.steps()[evaluated.steps().length - 1] > logged.steps()[logged.steps().length - 1]);
        return later && !r.mode().equals("supervised") ? evaluated.last() : logged.last();
    }

    /** What {@link #overseerCalls} counts for this run. */
    static String overseerCallsUnit(ReportRun r) {
        return r.mode().equals("supervised") ? "labels" : "H calls";
    }

    static String evalSize(ReportRun r) {
        double size = r.metrics().evaluation("eval_size").last();
        return Double.isNaN(size) ? "?" : String.valueOf((long) size);
    }

    private static Figure figure(String name, String title, String caption, XYChart c) {
        return new Figure(name, title, caption, c.getSeriesCollection().isEmpty() ? List.of() : List.of(c), 1);
    }

    private static XYChart chart(int width, int height, String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle("X steps")
                .yAxisTitle(yTitle).build();
        XYStyler s = c.getStyler();
        s.setLocale(Locale.ROOT);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(GRID);
        s.setLegendPosition(LegendPosition.OutsideE);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setXAxisDecimalPattern("#,##0");
        s.setXAxisMin(0.0);
        s.setMarkerSize(7);
        return c;
    }

    private static void accuracyAxis(XYChart c) {
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        c.getStyler().setYAxisDecimalPattern("0.0");
    }

    /** A logarithmic y axis labelled at 1, 2 and 5 times the powers of ten (a mark without a label elsewhere). */
    private static void logarithmic(XYChart c) {
        XYStyler s = c.getStyler();
        s.setYAxisLogarithmic(true);
        s.setYAxisLogarithmicDecadeOnly(false);
        s.setYAxisTickLabelsFormattingFunction(v -> {
            double mantissa = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
            boolean labelled = Math.abs(mantissa - 1) < 1e-6 || Math.abs(mantissa - 2) < 1e-6
                    || Math.abs(mantissa - 5) < 1e-6;
            return !labelled ? "" : v >= 1 ? String.format(Locale.ROOT, "%,.0f", v)
                    : new java.math.BigDecimal(v).round(new java.math.MathContext(1)).toPlainString();
        });
    }

    /** Marks every point: for evaluations, which are few. */
    private static void dots(XYSeries s) {
        if (s != null) {
            s.setMarker(SeriesMarkers.CIRCLE);
        }
    }

    /** Adds a line (a dot when it has one point); nothing for an empty series. */
    private static XYSeries add(XYChart c, String name, Series s, Color colour, BasicStroke line) {
        if (s.isEmpty()) {
            return null;
        }
        XYSeries x = c.addSeries(name, s.steps(), s.values());
        x.setLineColor(colour);
        x.setMarkerColor(colour);
        x.setLineStyle(line);
        x.setMarker(s.steps().length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        return x;
    }
}
