package dev.ida4j.cli;

import dev.ida4j.checkpoint.CheckpointException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ida4j} command: subcommands for training and benchmarking. Exit codes: 0 success, 1 failure during
 * work, 2 bad usage (picocli's usage errors and {@link IllegalArgumentException}s raised before work starts).
 */
@Command(name = "ida4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Iterated amplification engine: training, evaluation and benchmarks.",
        subcommands = {TrainCommand.class, EvalCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof UsageException) {
                cmd.getErr().println("ida4j: " + ex.getMessage());
                return 2;
            }
            if (ex instanceof CheckpointException || ex.getCause() instanceof CheckpointException) {
                // a refused checkpoint is a finding about the user's files, not a bug: one line naming the file
                Throwable refusal = ex instanceof CheckpointException ? ex : ex.getCause();
                cmd.getErr().println("ida4j: " + refusal.getMessage());
                return 1;
            }
            cmd.getErr().println("ida4j: " + ex);
            ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    /** A problem with what the user asked for, found before any work started: exit code 2, one line, no trace. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"ida4j " + (v == null ? "(development build)" : v),
                    "Java " + Runtime.version() + ", " + System.getProperty("os.arch") + ", "
                            + Runtime.getRuntime().availableProcessors() + " processors"};
        }
    }
}
