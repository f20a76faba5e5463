package dev.ida4j.cli;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.amplify.Counters;
import dev.ida4j.amplify.Decoding;
import dev.ida4j.amplify.DirectModel;
import dev.ida4j.amplify.OneAtATime;
import dev.ida4j.backend.Backend;
import dev.ida4j.loop.Models;
import dev.ida4j.loop.Questions;
import dev.ida4j.model.answerer.Answerer;
import dev.ida4j.model.answerer.AnswererConfig;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ida4j bench tree}: Amplify^H(X) over a generation batch, batched (one model call per round, each context
 * encoded once) against the same work answered one (sub)question per forward pass with its own context encoding.
 * X is the small preset with random weights: speed does not depend on what it has learned.
 */
@Command(name = "tree", mixinStandardHelpOptions = true,
        description = "Batched tree evaluation vs one question per forward pass: questions/s and speedup.")
final class TreeBench implements Runnable {
    @Option(names = "--task", defaultValue = "permutation-powering", description = "task (default ${DEFAULT-VALUE})")
    String task;
    @Option(names = "--size", defaultValue = "64", description = "instance size (default ${DEFAULT-VALUE})")
    int size;
    @Option(names = "--contexts", defaultValue = "50", description = "contexts in the batch (default ${DEFAULT-VALUE})")
    int contexts;
    @Option(names = "--baseline-contexts", defaultValue = "2",
            description = "contexts the slow baseline answers (default ${DEFAULT-VALUE})")
    int baselineContexts;
    @Option(names = "--repeats", defaultValue = "3", description = "timed repeats; the median is reported")
    int repeats;
    @Option(names = "--threads", defaultValue = "1", description = "CPU threads (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, reference or cuda (default ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--json", description = "print one JSON line")
    boolean json;

    @Override
    public void run() {
        Task t;
        try {
            t = Tasks.byName(task);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        if (size < 2 || size > 64) {
            throw new Main.UsageException("--size " + size + " is outside 2..64");
        }
        if (contexts < 1 || baselineContexts < 1 || baselineContexts > contexts || repeats < 1) {
            throw new Main.UsageException("--contexts, --baseline-contexts (at most --contexts) and --repeats must be"
                    + " positive");
        }
        int facts = t.factCount(size);
        AnswererConfig cfg = AnswererConfig.small(t.vocabulary().size(), t.factLength(), t.questionLength(),
                t.answerLength());
        try (Backend backend = BenchCommand.backend(device, threads);
             Answerer x = new Answerer(backend, cfg, contexts, facts, facts)) {
            x.initialize(1);
            DirectModel batched = Models.direct(x, contexts);
            Questions qs = Questions.sample(t, contexts, size, 0, new Rng(7));
            Questions few = new Questions(qs.contexts().subList(0, baselineContexts),
                    qs.questions().subList(0, baselineContexts));
            Counters counters = new Counters();
            double fast;
            double slow;
            try (ProgressLine progress = ProgressLine.start("bench tree", 2 * (repeats + 1), "passes")) {
                progress.update(0, 0, "passes");
                fast = questionsPerSecond(new Amplifier(t, batched, counters, 0), t, qs, progress, 0);
                DirectModel single = new OneAtATime(batched, t.factLength(), t.questionLength(), t.answerLength());
                slow = questionsPerSecond(new Amplifier(t, single, new Counters(), 0), t, few, progress, repeats + 1);
            }
            long calls = counters.modelCalls() / (repeats + 1);
            long subquestions = counters.modelQuestions() / (repeats + 1);
            int questions = qs.questions().stream().mapToInt(List::size).sum();
            if (json) {
                System.out.println(new JsonLine().put("bench", "tree").put("task", task).put("size", size)
                        .put("contexts", contexts).put("questions", questions).put("model_calls", calls)
                        .put("subquestions_to_model", subquestions).put("batched_questions_per_s", fast)
                        .put("one_at_a_time_questions_per_s", slow).put("speedup", fast / slow)
                        .put("threads", threads).toString());
            } else {
                System.out.printf(Locale.ROOT, "tree %s size %d: %d contexts, %d questions, %d model calls for %d"
                                + " subquestions; batched %.1f questions/s, one at a time %.1f questions/s, speedup"
                                + " %.1fx%n", task, size, contexts, questions, calls, subquestions, fast, slow,
                        fast / slow);
            }
        }
    }

    /**
     * Median over the repeats (after one warm-up) of top-level questions answered per second; each pass is reported
     * to {@code progress}, counted from {@code passesBefore}.
     */
    private double questionsPerSecond(Amplifier amplifier, Task t, Questions qs, ProgressLine progress,
                                      int passesBefore) {
        int questions = qs.questions().stream().mapToInt(List::size).sum();
        ScriptOverseer h = new ScriptOverseer(t);
        Rng environment = new Rng(11);
        double[] rates = new double[repeats];
        for (int r = -1; r < repeats; r++) {
            long start = System.nanoTime();
            amplifier.amplify(qs.contexts(), qs.questions(), h, 1, environment, Decoding.GREEDY);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (r >= 0) {
                rates[r] = questions / seconds;
            }
            int passes = passesBefore + r + 2;
            progress.update(passes, passes, "passes");
        }
        Arrays.sort(rates);
        return rates[repeats / 2];
    }
}
