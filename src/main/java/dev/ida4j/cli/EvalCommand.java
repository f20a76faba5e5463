package dev.ida4j.cli;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.MatmulPrecision;
import dev.ida4j.loop.EvalExport;
import dev.ida4j.loop.IdaLoop;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Questions;
import dev.ida4j.loop.RunDirectory;
import dev.ida4j.random.Rng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ida4j eval}: loads a run's newest checkpoint (verifying every file of it), answers fresh questions with the
 * chosen model, and writes the export of {@code TASKS.md} plus one summary line on standard output.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a run's model on fresh questions against the ground truth; write the JSONL export.")
final class EvalCommand implements Runnable {
    private static final int CHUNK = 10;   // contexts per batched call
    /** Contexts evaluated at most: their questions and answers are held in memory (about 0.5 GB at size 64). */
    private static final int MAX_CONTEXTS = 100_000;
    @Option(names = "--run", required = true, description = "run directory (its newest checkpoint is used)")
    Path run;
    @Option(names = "--out", description = "export file (JSON Lines; without it only the summary line is printed)")
    Path out;
    @Option(names = "--contexts", defaultValue = "20", description = "contexts (default ${DEFAULT-VALUE})")
    int contexts;
    @Option(names = "--size", description = "instance size, 2..64 (default: the run's final size)")
    Integer size;
    @Option(names = "--seed", defaultValue = "1", description = "seed of the questions (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--model", defaultValue = "teacher",
            description = "teacher, student or amplified (default ${DEFAULT-VALUE})")
    String model;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, reference or cuda (default ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--precision", description = "matrix products on cuda: fp32, tf32 (the default) or bf16; the CPU"
            + " backends compute in fp32 only")
    String precision;
    @Option(names = "--threads", defaultValue = "1", description = "CPU threads (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public void run() {
        if (!List.of("teacher", "student", "amplified").contains(model)) {
            throw new Main.UsageException("--model '" + model + "' is unknown; valid: teacher, student, amplified");
        }
        if (contexts < 1 || contexts > MAX_CONTEXTS) {
            throw new Main.UsageException("--contexts " + contexts + " is outside 1.." + MAX_CONTEXTS);
        }
        if (out != null && Files.isDirectory(out)) {
            throw new Main.UsageException("--out " + out + " is a directory: name the export file");
        }
        Path folder = out == null ? null : out.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new Main.UsageException("--out " + out + ": the folder " + folder + " does not exist");
        }
        MatmulPrecision p = BenchCommand.precision(precision);
        if (size != null && (size < 2 || size > 64)) {
            throw new Main.UsageException("--size " + size + " is outside 2..64");
        }
        LoopConfig cfg;
        try {
            cfg = RunDirectory.config(run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a missing run: exit 1, one line
        }
        int n = size != null ? size : cfg.size();
        if (n > cfg.size()) {
            throw new Main.UsageException("--size " + n + " exceeds the size the run's model was built for ("
                    + cfg.size() + ")");
        }
        try (Backend backend = BenchCommand.backend(device, threads, p);
             IdaLoop loop = new IdaLoop(backend, cfg)) {
            loop.restoreModels(backend, run, m -> System.err.println("ida4j: warning: " + m));
            Questions qs = Questions.sample(loop.task(), contexts, n, 0, new Rng(seed));
            List<List<int[]>> answers = new ArrayList<>();
            try (ProgressLine progress = ProgressLine.start("eval", contexts, "contexts")) {
                // greedy answers, a chunk of contexts at a time, so that progress can be shown
                progress.update(0, 0, "contexts");
                for (int from = 0; from < contexts; from += CHUNK) {
                    int to = Math.min(contexts, from + CHUNK);
                    answers.addAll(loop.answers(model, new Questions(qs.contexts().subList(from, to),
                            qs.questions().subList(from, to))));
                    progress.update(to, to, "contexts");
                }
            }
            try (Writer w = out == null ? Writer.nullWriter() : Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                System.out.println(EvalExport.write(w, loop.task(), n, qs, answers));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
