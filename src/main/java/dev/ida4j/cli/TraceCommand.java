package dev.ida4j.cli;

import dev.ida4j.backend.Backend;
import dev.ida4j.human.TranscriptRecord;
import dev.ida4j.loop.IdaLoop;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Questions;
import dev.ida4j.loop.RunDirectory;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Tasks;
import dev.ida4j.trace.TraceFiles;
import dev.ida4j.trace.TraceRecorder;
import dev.ida4j.trace.TraceSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ida4j trace}: amplification trees of a run's model on fresh questions, or a person's transcripts from
 * {@code oversee}, as trace lines ({@code TRACES.md}) and the viewer page; prints where the wrong answers first went
 * wrong, in one line, and the page's path.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Record every node of amplification trees on fresh questions (or a person's transcripts) with"
                + " the ground truth, and write the viewer page.")
final class TraceCommand implements Runnable {
    private static final int MAX_CONTEXTS = 10_000;
    private static final int CHUNK = 10;   // contexts per batched amplification
    @Option(names = "--run", description = "run directory (its newest intact checkpoint is used)")
    Path run;
    @Option(names = "--transcripts", description = "a person's transcripts (oversee's journal or its JSONL export)"
            + " instead of a run")
    Path transcripts;
    @Option(names = "--out", required = true, description = "folder for traces.jsonl and index.html (new or empty)")
    Path out;
    @Option(names = "--contexts", defaultValue = "20", description = "contexts (default ${DEFAULT-VALUE})")
    int contexts;
    @Option(names = "--size", description = "instance size, 2..64 (default: the run's final size)")
    Integer size;
    @Option(names = "--depth", description = "amplification depth (default: the run's)")
    Integer depth;
    @Option(names = "--model", defaultValue = "teacher",
            description = "the model answering subquestions: teacher or student (default ${DEFAULT-VALUE})")
    String model;
    @Option(names = "--seed", defaultValue = "1", description = "seed of the questions (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--threads", defaultValue = "1", description = "CPU threads (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public void run() {
        if ((run == null) == (transcripts == null)) {
            throw new Main.UsageException("give either --run RUN or --transcripts FILE");
        }
        if (!List.of("teacher", "student").contains(model)) {
            throw new Main.UsageException("--model '" + model + "' is unknown; valid: teacher, student");
        }
        if (contexts < 1 || contexts > MAX_CONTEXTS) {
            throw new Main.UsageException("--contexts " + contexts + " is outside 1.." + MAX_CONTEXTS);
        }
        if (size != null && (size < 2 || size > 64)) {
            throw new Main.UsageException("--size " + size + " is outside 2..64");
        }
        if (depth != null && (depth < 1 || depth > 8)) {
            throw new Main.UsageException("--depth " + depth + " is outside 1..8");
        }
        try {
            requireTraceFolder();
            LoopConfig cfg = run != null ? RunDirectory.config(run) : null;
            int n = size != null ? size : cfg != null ? cfg.size() : 0;
            if (cfg != null && n > cfg.size()) {
                throw new Main.UsageException("--size " + n + " exceeds the size the run's model was built for ("
                        + cfg.size() + ")");
            }
            List<TranscriptRecord> records = run != null ? List.of() : TranscriptRecord.readAll(transcripts);
            Files.createDirectories(out);
            TraceSummary summary = new TraceSummary();
            Path file = out.resolve("traces.jsonl");
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                if (run != null) {
                    traceRun(cfg, n, w, summary);
                } else {
                    for (TranscriptRecord r : records) {
                        TraceFiles.write(w, List.of(TraceRecorder.personLine(Tasks.byName(r.task()), r)), summary);
                    }
                }
            }
            Path page = out.resolve("index.html");
            TraceFiles.writeViewer(page, List.of(file), "ida4j traces: " + (run != null ? run : transcripts));
            System.out.println("trace: " + summary.line());
            System.out.println("page: " + page.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** --out is new, empty, or an earlier trace's folder (replaced): never a user's other files. */
    private void requireTraceFolder() throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new Main.UsageException("--out " + out + " is a file, not a folder");
        }
        if (Files.isDirectory(out)) {
            try (var entries = Files.list(out)) {
                List<String> ours = List.of("traces.jsonl", "index.html");
                if (entries.anyMatch(e -> !ours.contains(e.getFileName().toString()))) {
                    throw new Main.UsageException("--out " + out + " holds other files: trace needs a new or empty"
                            + " folder, or an earlier trace's");
                }
            }
        }
    }

    /** Traces fresh questions a chunk of contexts at a time, each chunk's lines written before the next is made. */
    private void traceRun(LoopConfig cfg, int n, Writer w, TraceSummary summary) throws IOException {
        try (Backend backend = BenchCommand.backend("cpu", threads);
             IdaLoop loop = new IdaLoop(backend, cfg)) {
            loop.restoreModels(backend, run, m -> System.err.println("ida4j: warning: " + m));
            Questions qs = Questions.sample(loop.task(), contexts, n, 0, new Rng(seed));
            try (ProgressLine progress = ProgressLine.start("trace", contexts, "contexts")) {
                progress.update(0, 0, "contexts");
                for (int from = 0; from < contexts; from += CHUNK) {
                    int to = Math.min(contexts, from + CHUNK);
                    List<ObjectNode> part = loop.trace(model, new Questions(qs.contexts().subList(from, to),
                            qs.questions().subList(from, to)), depth != null ? depth : cfg.depth());
                    for (ObjectNode l : part) {
                        l.put("context", l.get("context").asInt() + from);
                    }
                    TraceFiles.write(w, part, summary);
                    progress.update(to, to, "contexts");
                }
            }
        }
    }
}
