package dev.ida4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.cli.Main;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
        MpiJobs.Job job = mpirun(2);
        assertThat(job.code()).as(job.out()).isZero();
        assertThat(job.out()).contains("rank 0 of 2: ok", "rank 1 of 2: ok");
    }

    @Test
    void shouldEndTheWholeJobNamingTheRankThatAborts() throws IOException, InterruptedException {
        MpiJobs.Job job = mpirun(2, "abort", "1");
        assertThat(job.code()).as(job.out()).isNotZero();
        assertThat(job.out()).contains("ida4j: rank 1 of 2 ends the job (exit code 3)")
                .doesNotContain("passed a barrier");
    }

    @Test
    void shouldTimeTheGradientSumOfTwoRanksOnRankZero() throws IOException, InterruptedException {
        MpiJobs.Job job = MpiJobs.run(2, List.of(Main.class.getName(), "bench", "allreduce", "--floats", "1000,5000",
                "--reps", "3", "--json"), 120);
        assertThat(job.code()).as(job.out()).isZero();
        List<String> lines = job.out().lines().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).as("one line per length, from rank 0 alone").hasSize(2);
        assertThat(lines.get(1)).contains("\"bench\":\"allreduce\"", "\"ranks\":2", "\"floats\":5000");
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

    /** {@link MpiProbe} as an {@code n}-rank job. */
    private static MpiJobs.Job mpirun(int n, String... args) throws IOException, InterruptedException {
        List<String> main = new ArrayList<>(List.of(MpiProbe.class.getName()));
        main.addAll(List.of(args));
        return MpiJobs.run(n, main, 120);
    }
}
