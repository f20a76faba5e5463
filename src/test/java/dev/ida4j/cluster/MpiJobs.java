package dev.ida4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real MPI jobs for the tests: Open MPI's {@code mpirun} starting this JVM's java with the test class path, each rank
 * one process. Skipped (an assumption, said as such) where Open MPI is not installed; {@code .ci/run} installs it.
 */
final class MpiJobs {
    static final Path MPIRUN = Path.of("/usr/bin/mpirun");

    private MpiJobs() {
    }

    /** A finished job: its exit code and its ranks' stdout and stderr, interleaved. */
    record Job(int code, String out) {
    }

    /** {@code mpirun -np n} before a rank's command. */
    static List<String> mpirun(int n) {
        Assumptions.assumeTrue(MPIRUN.toFile().canExecute(),
                "no /usr/bin/mpirun (Open MPI): .ci/run installs openmpi-bin; elsewhere the MPI jobs are skipped");
        return new ArrayList<>(List.of(MPIRUN.toString(), "--allow-run-as-root", "--oversubscribe", "-np",
                Integer.toString(n)));
    }

    /** This JVM's java with the test class path, ready for a main class and its arguments. */
    static List<String> java() {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path")));
    }

    /** {@code mainAndArgs} (a class and its arguments) as an {@code n}-rank job, within {@code seconds}. */
    static Job run(int n, List<String> mainAndArgs, int seconds) throws IOException, InterruptedException {
        List<String> cmd = mpirun(n);
        cmd.addAll(java());
        cmd.addAll(mainAndArgs);
        return run(cmd, seconds);
    }

    /** {@code cmd} (any process: a job, or one process without a launcher), within {@code seconds}. */
    static Job run(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("ida4j-job", ".log");
        try {
            Process p = start(cmd, log);
            boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(done).as("the job ended within %d s: %s", seconds, out).isTrue();
            return new Job(p.exitValue(), out);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Starts {@code cmd} with its output into {@code log} (a file, so that nothing blocks on a full pipe). */
    static Process start(List<String> cmd, Path log) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }
}
