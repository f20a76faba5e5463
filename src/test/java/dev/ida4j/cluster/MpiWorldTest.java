package dev.ida4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.cli.Main;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MpiWorldTest {

    @Test
    void shouldBeAWorldOfOneWithoutALauncher() {
        assertThat(World.underLauncher(Map.of("PATH", "/usr/bin"))).isFalse();
        assertThat(World.underLauncher(Map.of("OMPI_COMM_WORLD_SIZE", "2"))).isTrue();
        assertThat(World.underLauncher(Map.of("PMIX_RANK", "0"))).isTrue();
        try (World one = new SingleProcess()) {
            double[] d = {1.5};
            one.sum(d);
            one.barrier();
            assertThat(d).containsExactly(1.5);
            assertThat(one.rank()).isZero();
            assertThat(one.size()).isOne();
            assertThatThrownBy(() -> one.broadcast(new byte[1], 1)).hasMessageContaining("root 1");
        }
    }

    @Test
    void shouldSumAndBroadcastAcrossTwoRealRanks() throws IOException, InterruptedException {
        Job job = mpirun(2);
        assertThat(job.code()).as(job.out()).isZero();
        assertThat(job.out()).contains("rank 0 of 2: ok", "rank 1 of 2: ok");
    }

    @Test
    void shouldEndTheWholeJobNamingTheRankThatAborts() throws IOException, InterruptedException {
        Job job = mpirun(2, "abort", "1");
        assertThat(job.code()).as(job.out()).isNotZero();
        assertThat(job.out()).contains("ida4j: rank 1 of 2 ends the job (exit code 3)")
                .doesNotContain("passed a barrier");
    }

    @Test
    void shouldCountTheProcessesALauncherStarted() {
        assertThat(World.launchedProcesses(Map.of())).isOne();
        assertThat(World.launchedProcesses(Map.of("OMPI_COMM_WORLD_SIZE", "4"))).isEqualTo(4);
        assertThat(World.launchedProcesses(Map.of("PMI_SIZE", "3"))).isEqualTo(3);
        assertThat(World.launchedProcesses(Map.of("PMI_SIZE", "three", "SLURM_STEP_NUM_TASKS", " 2 "))).isEqualTo(2);
        assertThat(World.launchedProcesses(Map.of("SLURM_NTASKS", "8"))).as("an allocation, not a job step").isOne();
        assertThat(World.launchedProcesses(Map.of("SLURM_NTASKS", "8", "SLURM_STEP_NUM_TASKS", "2"))).isEqualTo(2);
    }

    @Test
    void shouldRefuseToTrainAsTwoIndependentProcesses(@TempDir Path tmp) throws IOException, InterruptedException {
        Path run = tmp.resolve("run");
        Job job = mpirun(2, List.of(Main.class.getName(), "train", "--steps", "1", "--out", run.toString()));
        assertThat(job.code()).as(job.out()).isNotZero();
        assertThat(job.out()).contains("train was started as 2 processes (mpirun or srun)");
        assertThat(run).doesNotExist();
    }

    private record Job(int code, String out) {
    }

    /** {@link MpiProbe} as an {@code n}-rank job of this JVM's java and class path, within 120 s. */
    private static Job mpirun(int n, String... args) throws IOException, InterruptedException {
        List<String> main = new ArrayList<>(List.of(MpiProbe.class.getName()));
        main.addAll(List.of(args));
        return mpirun(n, main);
    }

    /** {@code mainAndArgs} (a class and its arguments) as an {@code n}-rank job of this JVM, within 120 s. */
    private static Job mpirun(int n, List<String> mainAndArgs) throws IOException, InterruptedException {
        Path mpirun = Path.of("/usr/bin/mpirun");
        Assumptions.assumeTrue(mpirun.toFile().canExecute(),
                "no /usr/bin/mpirun (Open MPI): .ci/run installs openmpi-bin; elsewhere the MPI jobs are skipped");
        List<String> cmd = new ArrayList<>(List.of(mpirun.toString(), "--allow-run-as-root", "--oversubscribe",
                "-np", Integer.toString(n), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as("the job ended within 120 s: %s", out).isTrue();
        return new Job(p.exitValue(), out);
    }
}
