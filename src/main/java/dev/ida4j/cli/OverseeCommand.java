package dev.ida4j.cli;

import dev.ida4j.backend.Backend;
import dev.ida4j.human.Console;
import dev.ida4j.human.Desk;
import dev.ida4j.human.OversightMode;
import dev.ida4j.human.journal.Journal;
import dev.ida4j.human.web.OversightServer;
import dev.ida4j.loop.IdaLoop;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Mode;
import dev.ida4j.loop.RunDirectory;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ida4j oversee}: a person plays the overseer H, on a local page or in the terminal. Subanswers come from the
 * environment (primitive subquestions) and from the run's EMA teacher X, or from the ground truth without a run;
 * H′ of the run proposes in the assisted and approval modes. Every finished transcript goes to the journal
 * ({@code RUN/transcripts.journal} by default) before the person is told it is saved.
 */
@Command(name = "oversee", mixinStandardHelpOptions = true,
        description = "Be the overseer H yourself: decompose questions on a local web page (or --console).")
final class OverseeCommand implements Runnable {
    @Option(names = "--task", description = "task: ${COMPLETION-CANDIDATES} (default: the run's, else"
            + " permutation-powering)", completionCandidates = TrainCommand.TaskNames.class)
    String task;
    @Option(names = "--size", description = "instance size, 2..64 (default: the run's final size, else 8)")
    Integer size;
    @Option(names = "--run", description = "run directory: X (and H′) from its newest checkpoint; without it the"
            + " ground truth answers, marked as such")
    Path run;
    @Option(names = "--mode", defaultValue = "human",
            description = "human, assisted (H′ proposes, you accept or edit) or approval (you approve or reject H′)"
                    + " (default ${DEFAULT-VALUE})")
    String mode;
    @Option(names = "--console", description = "the same protocol on standard input and output, no web page")
    boolean console;
    @Option(names = "--port", defaultValue = "0", description = "port; 0 picks a free one (default ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "address to listen on (default ${DEFAULT-VALUE}; any other is reachable by others)")
    String bind;
    @Option(names = "--journal", description = "journal file (default RUN/transcripts.journal, else"
            + " runs/oversight/transcripts.journal)")
    Path journal;
    @Option(names = "--export", paramLabel = "FILE", description = "write the journal's transcripts as JSON Lines to"
            + " FILE and exit")
    Path export;
    @Option(names = "--seed", description = "seed of the questions (default: random)")
    Long seed;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, reference or cuda (default ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--threads", defaultValue = "1", description = "CPU threads (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public void run() {
        OversightMode m;
        LoopConfig cfg = null;
        Task t;
        int n;
        InetAddress address;
        try {
            m = OversightMode.parse(mode);
            if (run == null) {
                if (m.needsAssistant()) {
                    throw new Main.UsageException("--mode " + m.label() + " needs --run DIR: H′ comes from a run"
                            + " trained in amplification mode");
                }
                t = Tasks.byName(task != null ? task : "permutation-powering");
                n = size != null ? size : 8;
            } else {
                try {
                    cfg = RunDirectory.config(run);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);   // a missing run: exit 1, one line (as eval and train)
                }
                if (task != null && !task.equals(cfg.taskName())) {
                    throw new Main.UsageException("--task " + task + " differs from the run's task " + cfg.taskName());
                }
                if (m.needsAssistant() && cfg.mode() != Mode.AMPLIFICATION) {
                    throw new Main.UsageException("--mode " + m.label() + " needs H′, but " + run + " was trained in "
                            + cfg.mode().label() + " mode (only amplification trains H′)");
                }
                t = cfg.task();
                n = size != null ? size : cfg.size();
                if (n > cfg.size()) {
                    throw new Main.UsageException("--size " + n + " exceeds the size the run's model was built for ("
                            + cfg.size() + ")");
                }
            }
            t.factCount(n);   // the size range check, with the task's message
            if (port < 0 || port > 65535) {
                throw new Main.UsageException("--port " + port + " is outside 0..65535");
            }
            if (!bind.matches("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw new Main.UsageException("--bind '" + bind + "' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)");
            }
            address = InetAddress.getByName(bind);   // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new Main.UsageException("--bind '" + bind + "' is not an IP address: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        Path file = journal != null ? journal
                : run != null ? run.resolve("transcripts.journal") : Path.of("runs", "oversight", "transcripts.journal");
        if (export != null) {
            exportJournal(file);
            return;
        }
        long s = seed != null ? seed : new SecureRandom().nextLong();
        try (Journal j = Journal.open(file)) {
            if (j.truncatedBytes() > 0) {
                System.err.println("ida4j: warning: cut a torn last record (" + j.truncatedBytes() + " bytes) off "
                        + file + "; it had never been acknowledged");
            }
            System.out.println("oversee: " + t.name() + ", size " + n + ", " + m.label() + " mode; journal " + file
                    + " (" + j.size() + " records)");
            if (cfg == null) {
                serve(new Desk(t, n, m, new Desk.Answerer(null, "ground truth (no run given)"), null, j, s), address);
                return;
            }
            try (Backend backend = BenchCommand.backend(device, threads);
                 IdaLoop loop = new IdaLoop(backend, cfg)) {
                long step = loop.restoreModels(backend, run, w -> System.err.println("ida4j: warning: " + w));
                Desk.Answerer x = new Desk.Answerer(loop.teacherModel(), "model X of " + run + " at step " + step);
                serve(new Desk(t, n, m, x, m.needsAssistant() ? loop::learnedOverseer : null, j, s), address);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void exportJournal(Path file) {
        try {
            List<Journal.Entry> entries = Journal.read(file);
            try (Writer w = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
                Journal.exportJsonl(entries, w);
            }
            System.out.println("exported " + entries.size() + " transcripts from " + file + " to " + export);
        } catch (NoSuchFileException e) {
            throw new Main.UsageException("no journal at " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void serve(Desk desk, InetAddress address) throws IOException, InterruptedException {
        try (desk) {
            if (console) {
                new Console(desk, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                        System.out).run();
                return;
            }
            if (!address.isLoopbackAddress()) {
                System.err.println("ida4j: warning: listening on " + address.getHostAddress() + ", not only this"
                        + " machine: anyone who can reach it and holds the token can oversee and read transcripts");
            }
            OversightServer started;
            try {
                started = OversightServer.start(desk, address, port);
            } catch (BindException e) {
                throw new Main.UsageException("cannot listen on " + address.getHostAddress() + ":" + port + ": "
                        + e.getMessage());
            }
            try (OversightServer server = started) {
                System.out.println("open " + server.url());
                System.out.println("(Ctrl-C stops; every finished transcript is already saved)");
                System.out.flush();
                Thread.currentThread().join();   // serves until the process is stopped
            }
        }
    }
}
