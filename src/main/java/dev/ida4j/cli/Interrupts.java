package dev.ida4j.cli;

import java.io.PrintStream;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and a scheduler's preemption (SIGTERM) as a long command wants them: the first asks the work to stop
 * at its next safe point (a training run finishes its step and commits a checkpoint), the second ends the process at
 * once, with the signal's usual exit code (128 + its number). Until {@link #install} the JVM's own handling stands
 * (exit at once, shutdown hooks only).
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}) is the JDK's supported way to handle a signal: a shutdown
 * hook can delay the exit but never cancel it, so it can neither let the run end by itself nor see a second Ctrl-C.
 */
final class Interrupts {
    private static volatile Signal received;

    private Interrupts() {
    }

    /**
     * From now on the first SIGINT or SIGTERM is only recorded (after one line on {@code err} saying what happens
     * next) and the second halts the process.
     */
    static void install(PrintStream err, String whatNow) {
        SignalHandler handler = s -> {
            if (received != null) {
                err.println("ida4j: " + describe(s) + " again: quitting at once");
                Runtime.getRuntime().halt(exitCode(s));
            }
            received = s;
            err.println();
            err.println("ida4j: " + describe(s) + ": " + whatNow + " (" + (s.getName().equals("INT") ? "Ctrl-C"
                    : "the same signal") + " again quits at once)");
        };
        Signal.handle(new Signal("INT"), handler);
        Signal.handle(new Signal("TERM"), handler);
    }

    /** Whether a stop was asked for. */
    static boolean requested() {
        return received != null;
    }

    /** The exit code the received signal calls for (130 for SIGINT, 143 for SIGTERM); 0 when none came. */
    static int exitCode() {
        Signal s = received;
        return s == null ? 0 : exitCode(s);
    }

    private static int exitCode(Signal s) {
        return 128 + s.getNumber();
    }

    private static String describe(Signal s) {
        return s.getName().equals("INT") ? "interrupted" : "SIG" + s.getName() + " received";
    }
}
