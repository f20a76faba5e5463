package dev.ida4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures {@code System.out} and {@code System.err} around each test of the command line
 * ({@code @RegisterExtension final StdStreams io = new StdStreams();}), and puts the real ones back after it.
 */
public final class StdStreams implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @Override
    public void beforeEach(ExtensionContext context) {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    /** What was printed to standard output since the test started or the last {@link #resetOut}. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What was printed to standard error since the test started or the last {@link #resetErr}. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    public void resetOut() {
        out.reset();
    }

    public void resetErr() {
        err.reset();
    }
}
