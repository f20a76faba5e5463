package dev.ida4j.cli;

import dev.ida4j.backend.DeviceUnavailableException;
import dev.ida4j.backend.cuda.CudaException;
import dev.ida4j.checkpoint.CheckpointException;
import dev.ida4j.human.journal.JournalException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The {@code ida4j} command: subcommands for training, evaluation, human oversight and benchmarks. Exit codes:
 * 0 success, 1 failure during work (a missing run, a refused checkpoint or journal, a device that is not there such
 * as {@code --device cuda} without a GPU, or a recoverable CUDA error such as out of memory: one line), 2 bad usage
 * or config (picocli's usage errors and {@link UsageException}s, raised before any work starts),
 * {@value #EXIT_DEVICE_LOST} a sticky CUDA error (the GPU context is lost: a supervisor should restart the process,
 * which resumes from the last checkpoint).
 */
@Command(name = "ida4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Iterated amplification engine: training, evaluation, reports, human oversight and benchmarks.",
        subcommands = {TrainCommand.class, EvalCommand.class, TraceCommand.class, BenchCommand.class,
                OverseeCommand.class,
                InspectCommand.class, ReportCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** The exit code after a sticky CUDA error, distinct so that a supervisor knows to restart. */
    public static final int EXIT_DEVICE_LOST = 3;

    @Option(names = "--debug", description = "print the stack trace behind an error's one line (before the command:"
            + " ida4j --debug train ...)")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setParameterExceptionHandler((ex, ignoredArgs) -> {
            // one line naming the culprit, not the whole usage text
            CommandLine cmd = ex.getCommandLine();
            String message = ex.getMessage();
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !cmd.getSubcommands().isEmpty()
                    && !u.getUnmatched().isEmpty()) {
                message = "unknown command '" + u.getUnmatched().getFirst() + "'; valid: "
                        + String.join(", ", cmd.getSubcommands().keySet());
            }
            cmd.getErr().println("ida4j: " + message + " (see: " + cmd.getCommandSpec().qualifiedName() + " --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof UsageException) {
                ex.getMessage().lines().forEach(line -> cmd.getErr().println("ida4j: " + line));
                return 2;
            }
            if (ex instanceof WorkException) {
                cmd.getErr().println("ida4j: " + ex.getMessage());
                return 1;
            }
            CudaException cuda = cause(ex, CudaException.class);
            if (cuda != null) {
                cmd.getErr().println("ida4j: CUDA error: " + cuda.getMessage());
                return cuda.sticky() ? EXIT_DEVICE_LOST : 1;
            }
            DeviceUnavailableException absent = cause(ex, DeviceUnavailableException.class);
            if (absent != null) {
                cmd.getErr().println("ida4j: " + absent.getMessage());
                return 1;
            }
            Throwable finding = userFileProblem(ex);
            if (finding != null) {
                // a missing run, a refused checkpoint or journal, a file that cannot be read or written, a full disk:
                // a finding about the user's files and machine, not a bug: one line
                cmd.getErr().println("ida4j: " + describe(finding));
                if (main.debug) {
                    ex.printStackTrace(cmd.getErr());
                }
                return 1;
            }
            cmd.getErr().println("ida4j: " + ex);
            ex.printStackTrace(cmd.getErr());
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli passes errors through: the heap, or native memory for tensors, ran out
            System.err.println("ida4j: out of memory (" + e.getMessage() + "): choose a smaller --batch, --contexts or"
                    + " --size, or give the JVM more heap (IDA4J_JAVA_OPTS=-Xmx20g ./ida4j ...)");
            if (main.debug) {
                e.printStackTrace();
            }
            return 1;
        }
    }

    /** The first exception of {@code type} in {@code ex}'s cause chain, or null. */
    private static <T extends Throwable> T cause(Throwable ex, Class<T> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** A file problem in words: a FileSystemException without a reason is only its path, which says nothing. */
    static String describe(Throwable problem) {
        if (problem instanceof FileSystemException f && f.getReason() == null && f.getOtherFile() == null) {
            String what = switch (f) {
                case NoSuchFileException e -> "no such file or directory";
                case FileAlreadyExistsException e -> "already exists";
                case AccessDeniedException e -> "access denied";
                case NotDirectoryException e -> "not a directory";
                case DirectoryNotEmptyException e -> "directory not empty";
                default -> f.getClass().getSimpleName();
            };
            return f.getFile() + ": " + what;
        }
        return problem.getMessage() != null ? problem.getMessage() : problem.toString();
    }

    /**
     * The refused checkpoint or journal, or failed file operation behind {@code ex} (the innermost that names a file),
     * or null when it is something else.
     */
    private static Throwable userFileProblem(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof CheckpointException || t instanceof JournalException
                    || t instanceof NoSuchFileException) {
                return t;
            }
        }
        IOException io = cause(ex, IOException.class);
        if (io != null && io.getCause() instanceof IOException inner && io.getMessage() == null) {
            return inner;
        }
        return io;
    }

    /**
     * Problems with what the user asked for, found before any work started: exit code 2, one line per problem (the
     * message's lines), no trace.
     */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** A failure during work that is about the user's files, not a bug: exit code 1, one line, no trace. */
    static final class WorkException extends RuntimeException {
        WorkException(String message) {
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
