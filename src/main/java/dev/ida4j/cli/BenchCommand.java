package dev.ida4j.cli;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.backend.DeviceUnavailableException;
import dev.ida4j.backend.MatmulPrecision;
import dev.ida4j.backend.Profiler;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.model.gpt.Gpt;
import dev.ida4j.model.gpt.GptConfig;
import dev.ida4j.optim.AdamW;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ida4j bench}: whole-operation timings for comparing machines and peers (JMH benchmarks live in
 * benchmarks/). Each prints one line, or one JSON object per line with {@code --json}. Times are medians.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure GEMM, training-step, tree-evaluation and allreduce speed.",
        subcommands = {BenchCommand.GemmBench.class, BenchCommand.StepBench.class, TreeBench.class,
                AllreduceBench.class})
final class BenchCommand {

    static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static Backend backend(String device, int threads) {
        return backend(device, threads, (MatmulPrecision) null);
    }

    /** {@link #backend(String, int)} with the matrix products at the precision {@code --precision} names. */
    static Backend backend(String device, int threads, String precision) {
        return backend(device, threads, precision(precision));
    }

    /** {@link #backend(String, int)} with the matrix products at {@code precision} (null: the device's default). */
    static Backend backend(String device, int threads, MatmulPrecision precision) {
        if (threads < 1 || threads > LoopConfig.MAX_THREADS) {
            throw new Main.UsageException("--threads " + threads + " is outside 1.." + LoopConfig.MAX_THREADS);
        }
        try {
            return precision == null ? Backends.create(device, threads) : Backends.create(device, threads, precision);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        } catch (DeviceUnavailableException e) {
            throw new DeviceUnavailableException("--device " + device + ": " + e.getMessage());
        }
    }

    /** The precision named by {@code --precision} (null stays null: the device's default). */
    static MatmulPrecision precision(String label) {
        try {
            return label == null ? null : MatmulPrecision.parse(label);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException("--precision: " + e.getMessage());
        }
    }

    /** Elements of one matrix of {@code bench gemm} at most. */
    static final long MAX_MATRIX_ELEMENTS = 1L << 28;

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "Time C(M,N) = A(M,K)·B(K,N) in fp32; reports GFLOP/s = 2·M·N·K / time.")
    static final class GemmBench implements Runnable {
        @Option(names = "--m", defaultValue = "1024", description = "rows of C (default ${DEFAULT-VALUE})")
        int m;
        @Option(names = "--n", defaultValue = "1024", description = "columns of C (default ${DEFAULT-VALUE})")
        int n;
        @Option(names = "--k", defaultValue = "1024", description = "inner dimension (default ${DEFAULT-VALUE})")
        int k;
        @Option(names = "--trans-a", description = "A is stored (K, M)")
        boolean transA;
        @Option(names = "--trans-b", description = "B is stored (N, K)")
        boolean transB;
        @Option(names = "--threads", description = "threads (default: all processors)")
        Integer threads;
        @Option(names = "--device", defaultValue = "cpu", description = "cpu, reference or cuda (default ${DEFAULT-VALUE})")
        String device;
        @Option(names = "--reps", defaultValue = "30", description = "timed repetitions (default ${DEFAULT-VALUE})")
        int reps;
        @Option(names = "--precision", description = "matrix products: fp32, tf32 or bf16 (fp32 storage and"
                + " accumulation either way); default tf32 on cuda, fp32 (the only one) on the CPU backends")
        String precision;
        @Option(names = "--json", description = "print one JSON line")
        boolean json;

        @Override
        public void run() {
            if (m < 1 || n < 1 || k < 1 || reps < 1) {
                throw new Main.UsageException("--m, --n, --k and --reps must be positive");
            }
            long largest = Math.max((long) m * k, Math.max((long) k * n, (long) m * n));
            if (largest > MAX_MATRIX_ELEMENTS) {
                throw new Main.UsageException("--m " + m + " --n " + n + " --k " + k + ": a matrix of " + largest
                        + " elements exceeds the " + MAX_MATRIX_ELEMENTS + " (1 GiB of fp32) this benchmark allocates");
            }
            int t = threads == null ? defaultThreads() : threads;
            try (Backend be = backend(device, t, precision); TensorArena arena = be.arena("bench-gemm")) {
                Tensor a = arena.allocate("A", DType.F32, transA ? new int[] {k, m} : new int[] {m, k});
                Tensor b = arena.allocate("B", DType.F32, transB ? new int[] {n, k} : new int[] {k, n});
                Tensor c = arena.allocate("C", DType.F32, m, n);
                fillRandom(be, a, 1);
                fillRandom(be, b, 2);
                double flops = 2.0 * m * n * k;
                // warm up for about three seconds (JIT compilation of the kernels), at least 3 calls
                long warmEnd = System.nanoTime() + 3_000_000_000L;
                for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
                    be.matmul(c, a, b, m, n, k, transA, transB, false);
                }
                double[] ms = new double[reps];
                for (int i = 0; i < reps; i++) {
                    long t0 = System.nanoTime();
                    be.matmul(c, a, b, m, n, k, transA, transB, false);
                    be.synchronize();
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
                double med = median(ms);
                double gflops = flops / (med * 1e6);
                if (json) {
                    System.out.println(new JsonLine().put("bench", "gemm").put("device", device)
                            .put("precision", precisionLabel(device, precision)).put("threads", t)
                            .put("m", m).put("n", n).put("k", k)
                            .put("trans_a", transA).put("trans_b", transB).put("reps", reps)
                            .put("ms", med).put("ms_min", Arrays.stream(ms).min().orElseThrow())
                            .put("gflops", gflops));
                } else {
                    System.out.printf(Locale.ROOT, "gemm %dx%dx%d%s%s on %s, %d threads: %.3f ms, %.1f GFLOP/s%n",
                            m, n, k, transA ? " transA" : "", transB ? " transB" : "", device, t, med, gflops);
                }
            }
        }
    }

    /** The precision a backend made by {@link #backend(String, int, String)} computes its products at. */
    static String precisionLabel(String device, String precision) {
        MatmulPrecision p = precision(precision);
        return (p != null ? p : Backends.defaultPrecision(device)).label();
    }

    static void fillRandom(Backend be, Tensor t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        try (Arena host = Arena.ofConfined()) {
            MemorySegment s = host.allocate(t.numel() * Float.BYTES, 64);
            for (long i = 0; i < t.numel(); i++) {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
            }
            be.copyIn(t, s);
        }
    }

    @Command(name = "step", mixinStandardHelpOptions = true,
            description = "Time full training steps (forward, backward, AdamW) of a preset model.")
    static final class StepBench implements Runnable {
        @Option(names = "--preset", defaultValue = "tiny-gpt",
                description = "model preset: tiny-gpt (batch 32), gpt2-small (GPT-2 small's shape, batch 8: for GPUs),"
                        + " answerer-small (model X, small preset, at 50 contexts x 16 facts x 16 questions of"
                        + " permutation-powering sizes) or answerer-paper (model X at the reference's size, same"
                        + " batch: for GPUs) (default ${DEFAULT-VALUE})")
        String preset;
        @Option(names = "--threads", description = "threads (default: all processors)")
        Integer threads;
        @Option(names = "--device", defaultValue = "cpu", description = "cpu, reference or cuda (default ${DEFAULT-VALUE})")
        String device;
        @Option(names = "--steps", defaultValue = "20", description = "timed steps (default ${DEFAULT-VALUE})")
        int steps;
        @Option(names = "--precision", description = "matrix products: fp32, tf32 or bf16 (fp32 storage and"
                + " accumulation either way); default tf32 on cuda, fp32 (the only one) on the CPU backends")
        String precision;
        @Option(names = "--warmup", defaultValue = "5", description = "untimed steps first (default ${DEFAULT-VALUE})")
        int warmup;
        @Option(names = "--warmup-seconds", defaultValue = "15",
                description = "and keep warming up at least this long (default ${DEFAULT-VALUE}): until the JIT has"
                        + " compiled the kernels, its compiler threads take a core from the workers")
        double warmupSeconds;
        @Option(names = "--json", description = "print one JSON line")
        boolean json;
        @Option(names = "--profile", description = "also print time per op (to stderr); synchronizes after each op")
        boolean profile;
        @Option(names = "--paired", description = "after the warm-up print 'ready', then for each number N read from"
                + " standard input time N steps and print their times as one JSON line, until end of input (for"
                + " benchmarks/step-vs-pytorch.sh, which alternates short rounds with its peer)")
        boolean paired;

        @Override
        public void run() {
            if (!List.of("tiny-gpt", "gpt2-small", "answerer-small", "answerer-paper").contains(preset)) {
                throw new Main.UsageException("unknown preset '" + preset
                        + "': expected tiny-gpt, gpt2-small, answerer-small or answerer-paper");
            }
            if (steps < 1 || warmup < 0 || !(warmupSeconds >= 0)) {
                throw new Main.UsageException("--steps must be positive, --warmup and --warmup-seconds not negative");
            }
            int t = threads == null ? defaultThreads() : threads;
            boolean answerer = preset.startsWith("answerer-");
            if (paired && (answerer || profile)) {
                throw new Main.UsageException("--paired works with the tiny-gpt and gpt2-small presets, without"
                        + " --profile");
            }
            if (answerer) {
                new AnswererStepBench(preset, device, precision, t, steps, warmup, warmupSeconds, json, profile).run();
                return;
            }
            boolean gpt2 = preset.equals("gpt2-small");
            GptConfig cfg = gpt2 ? GptConfig.gpt2Small() : GptConfig.tinyGpt();
            int batch = gpt2 ? 8 : 32;
            int seq = cfg.maxT();
            Profiler profiler = profile ? new Profiler(backend(device, t, precision)) : null;
            try (Backend be = profile ? profiler.backend() : backend(device, t, precision);
                 Gpt model = new Gpt(be, cfg, batch, seq);
                 AdamW opt = new AdamW(be, model.params(), AdamW.Settings.of(3e-4f, 0.1f));
                 Arena host = Arena.ofConfined()) {
                model.initialize(1);
                MemorySegment ids = host.allocate((long) batch * seq * Integer.BYTES);
                MemorySegment next = host.allocate((long) batch * seq * Integer.BYTES);
                SplittableRandom r = new SplittableRandom(7);
                for (int i = 0; i < batch * seq; i++) {
                    ids.setAtIndex(ValueLayout.JAVA_INT, i, r.nextInt(cfg.vocab()));
                    next.setAtIndex(ValueLayout.JAVA_INT, i, r.nextInt(cfg.vocab()));
                }
                model.setBatch(ids, next);
                float loss = 0;
                long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
                for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) {
                    loss = model.trainStep(opt);
                }
                if (paired) {
                    servePairedRounds(model, opt, be, t);
                    return;
                }
                if (profile) {
                    profiler.reset();
                }
                double[] ms = new double[steps];
                try (ProgressLine progress = ProgressLine.start("bench step", steps, "steps")) {
                    progress.update(0, 0, "steps");
                    for (int i = 0; i < steps; i++) {
                        long t0 = System.nanoTime();
                        loss = model.trainStep(opt);
                        be.synchronize();
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                        progress.update(i + 1, i + 1, "steps");
                    }
                }
                double med = median(ms);
                double tokensPerS = batch * seq / (med / 1e3);
                double gflops = tokensPerS * cfg.flopsPerToken() / 1e9;
                if (json) {
                    System.out.println(new JsonLine().put("bench", "step").put("preset", preset)
                            .put("device", device).put("precision", precisionLabel(device, precision))
                            .put("threads", t).put("batch", batch).put("seq", seq)
                            .put("steps", steps).put("ms_per_step", med)
                            .put("ms_min", Arrays.stream(ms).min().orElseThrow())
                            .put("tokens_per_s", tokensPerS).put("gflops", gflops).put("loss", loss));
                } else {
                    System.out.printf(Locale.ROOT,
                            "step %s on %s, %d threads: %.1f ms/step, %.0f tokens/s, %.1f GFLOP/s (loss %.4f)%n",
                            preset, device, t, med, tokensPerS, gflops, loss);
                }
                if (profile) {
                    System.err.print("time per op over " + steps + " steps:\n" + profiler.report());
                }
            }
        }

        /**
         * The timed part of {@code --paired}: a peer process runs its own rounds in between, so both see the same
         * machine (load on these shared VMs drifts over tens of seconds, more than the difference being measured).
         */
        private void servePairedRounds(Gpt model, AdamW opt, Backend be, int threads) {
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    int n;
                    try {
                        n = Integer.parseInt(line.strip());
                    } catch (NumberFormatException e) {
                        n = 0;
                    }
                    if (n < 1) {
                        throw new Main.UsageException("--paired: expected a positive number of steps per line,"
                                + " got '" + line + "'");
                    }
                    double[] ms = new double[n];
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        model.trainStep(opt);
                        be.synchronize();
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                    }
                    System.out.println(new JsonLine().put("bench", "step").put("preset", preset).put("device", device)
                            .put("precision", precisionLabel(device, precision)).put("threads", threads)
                            .put("steps", n).put("ms_per_step", median(ms)).put("ms", ms));
                    System.out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("--paired: reading standard input", e);
            }
        }
    }
}
