package dev.ida4j.report;

import dev.ida4j.loop.LoopConfig;
import java.awt.Color;
import java.nio.file.Path;

/**
 * One run as a report shows it.
 *
 * @param config    the configuration saved in its newest checkpoint, or null when it has none (or none readable)
 * @param label     its name within its task's charts: the mode, or the directory's name when the mode is unknown,
 *                  made unique among the runs of the task
 * @param fullLabel its name in charts of several tasks: the task, then the label
 * @param colour    its colour in every chart
 */
record ReportRun(Path dir, LoopConfig config, RunMetrics metrics, String label, String fullLabel, Color colour) {
    static final String UNKNOWN = "unknown";

    String task() {
        return config == null ? UNKNOWN : config.taskName();
    }

    String mode() {
        return config == null ? UNKNOWN : config.mode().label();
    }
}
