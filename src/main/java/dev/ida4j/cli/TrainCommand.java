package dev.ida4j.cli;

import dev.ida4j.backend.Backend;
import dev.ida4j.model.gpt.Gpt;
import dev.ida4j.model.gpt.GptConfig;
import dev.ida4j.optim.AdamW;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ida4j train}: until the amplify-then-distill loop lands, trains a small GPT on a synthetic task with a
 * known answer, sequence reversal ({@code 3141|1413}), and reports the accuracy of the reversed digits on fresh
 * batches the model has not trained on yet. It exercises the whole engine: every op, backward and AdamW.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a small GPT to reverse digit strings (the engine's end-to-end job until the IDA loop "
                + "lands).")
final class TrainCommand implements Runnable {
    private static final int SEPARATOR = '|';
    private static final int END = '\n';

    @Option(names = "--digits", defaultValue = "12", description = "digits per string (default ${DEFAULT-VALUE})")
    int digits;
    @Option(names = "--channels", defaultValue = "128", description = "model width C (default ${DEFAULT-VALUE})")
    int channels;
    @Option(names = "--layers", defaultValue = "2", description = "layers (default ${DEFAULT-VALUE})")
    int layers;
    @Option(names = "--heads", defaultValue = "4", description = "attention heads (default ${DEFAULT-VALUE})")
    int heads;
    @Option(names = "--batch", defaultValue = "32", description = "sequences per step (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--steps", defaultValue = "600", description = "training steps (default ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--minutes", description = "stop after this many minutes even if steps remain")
    Double minutes;
    @Option(names = "--lr", defaultValue = "2e-3", description = "AdamW learning rate (default ${DEFAULT-VALUE})")
    float lr;
    @Option(names = "--seed", defaultValue = "1", description = "seed of weights and data (default ${DEFAULT-VALUE})")
    long seed;
    // At this model size the ops take tens of microseconds, and handing each to a second thread cost more than it
    // saved on the 2-vCPU development VMs (35 vs 132 ms/step): one thread unless asked. See benchmarks/RESULTS.md.
    @Option(names = "--threads", defaultValue = "1", description = "threads (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or reference (default ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--log-every", defaultValue = "50", description = "steps between log lines (default ${DEFAULT-VALUE})")
    int logEvery;

    @Override
    public void run() {
        if (digits < 1 || batch < 1 || steps < 1 || logEvery < 1 || (minutes != null && !(minutes > 0))) {
            throw new Main.UsageException("--digits, --batch, --steps, --log-every and --minutes must be positive");
        }
        if (channels < 1 || layers < 1 || heads < 1 || channels % heads != 0) {
            throw new Main.UsageException("--channels " + channels + " must be a positive multiple of --heads "
                    + heads + ", and --layers positive");
        }
        int seq = 2 * digits + 2; // digits, '|', reversed digits, end: T tokens predict the T that follow
        GptConfig cfg = new GptConfig(256, seq, channels, layers, heads);
        int t = threads;
        long deadline = minutes == null ? Long.MAX_VALUE : System.nanoTime() + (long) (minutes * 60e9);
        System.out.printf(Locale.ROOT, "train: reversal of %d digits, GPT C %d L %d NH %d (%d parameters), batch %d,"
                        + " %s with %d threads%n", digits, channels, layers, heads,
                cfg.parameterLayout().tensorElements(), batch, device, t);
        try (Backend be = BenchCommand.backend(device, t);
             Gpt model = new Gpt(be, cfg, batch, seq);
             AdamW opt = new AdamW(be, model.params(), AdamW.Settings.of(lr, 0.01f).withClip(1f));
             Arena host = Arena.ofConfined()) {
            model.initialize(seed);
            SplittableRandom data = new SplittableRandom(seed + 1);
            MemorySegment ids = host.allocate((long) batch * seq * Integer.BYTES);
            MemorySegment next = host.allocate((long) batch * seq * Integer.BYTES);
            MemorySegment logits = host.allocate((long) batch * seq * cfg.vocab() * Float.BYTES);
            long start = System.nanoTime();
            double accuracy = 0;
            int step = 0;
            while (step < steps && System.nanoTime() < deadline) {
                sample(data, ids, next, batch);
                model.setBatch(ids, next);
                boolean log = (step + 1) % logEvery == 0 || step + 1 == steps;
                float loss = model.trainStep(opt);
                step++;
                if (log) {
                    // the logits are those of this fresh batch before its update: a held-out measurement
                    be.copyOut(logits, model.logits());
                    accuracy = reversedAccuracy(logits, next, batch, seq, cfg.vocab());
                    double msPerStep = (System.nanoTime() - start) / 1e6 / step;
                    System.out.printf(Locale.ROOT, "step %d: loss %.4f, reversed-digit accuracy %.3f (%.1f ms/step)%n",
                            step, loss, accuracy, msPerStep);
                }
            }
            System.out.printf(Locale.ROOT, "done: %d steps in %.1f s, final reversed-digit accuracy %.3f%n",
                    step, (System.nanoTime() - start) / 1e9, accuracy);
        }
    }

    /** Fills ids with "d1..dk|dk..d1" + end, and next with the same shifted left by one. */
    private void sample(SplittableRandom r, MemorySegment ids, MemorySegment next, int rows) {
        int seq = 2 * digits + 2;
        int[] s = new int[seq + 1];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < digits; i++) {
                s[i] = '0' + r.nextInt(10);
                s[2 * digits - i] = s[i];
            }
            s[digits] = SEPARATOR;
            s[2 * digits + 1] = END;
            s[2 * digits + 2] = END;
            for (int i = 0; i < seq; i++) {
                ids.setAtIndex(ValueLayout.JAVA_INT, (long) row * seq + i, s[i]);
                next.setAtIndex(ValueLayout.JAVA_INT, (long) row * seq + i, s[i + 1]);
            }
        }
    }

    /** Fraction of reversed digits whose argmax prediction is right (positions digits .. 2·digits-1). */
    private double reversedAccuracy(MemorySegment logits, MemorySegment next, int rows, int seq, int vocab) {
        int right = 0;
        int total = 0;
        for (int row = 0; row < rows; row++) {
            for (int pos = digits; pos < 2 * digits; pos++) {
                long base = ((long) row * seq + pos) * vocab;
                int best = 0;
                for (int v = 1; v < vocab; v++) {
                    if (logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + v)
                            > logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + best)) {
                        best = v;
                    }
                }
                right += best == next.getAtIndex(ValueLayout.JAVA_INT, (long) row * seq + pos) ? 1 : 0;
                total++;
            }
        }
        return (double) right / total;
    }
}
