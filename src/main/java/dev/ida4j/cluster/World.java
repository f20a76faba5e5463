package dev.ida4j.cluster;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * The processes of one job, as a launcher started them ({@code mpirun -np N}, {@code srun}): each knows its rank and
 * the world's size, and they combine arrays by collectives in which every rank takes part, in the same order. A
 * process started without a launcher is a world of one ({@link SingleProcess}), which needs no MPI library.
 */
public interface World extends AutoCloseable {
    /** This process's rank, 0 ≤ rank < size. */
    int rank();

    /** How many processes the job has. */
    int size();

    /** {@code count} floats at {@code floats} (host memory) replaced by their sum over every rank, on every rank. */
    void sumFloats(MemorySegment floats, long count);

    /** {@code values} replaced by their sum over every rank, on every rank. */
    void sum(double[] values);

    /** {@code values} replaced by their sum over every rank, on every rank. */
    void sum(long[] values);

    /** Every rank's {@code bytes} (of any length), on every rank, in rank order. */
    byte[][] allgather(byte[] bytes);

    /** {@code bytes} replaced on every rank by rank {@code root}'s. */
    void broadcast(byte[] bytes, int root);

    /** Returns once every rank has called it. */
    void barrier();

    /**
     * Ends every process of the job with {@code code}, saying on stderr which rank did: how one rank's failure stops
     * the others. Does not return.
     */
    void abort(int code);

    /** Leaves the world (MPI_Finalize); every rank must call it. */
    @Override
    void close();

    /**
     * The world this process was started in: MPI when a launcher's variables are set ({@code OMPI_COMM_WORLD_SIZE}
     * from Open MPI's {@code mpirun}, {@code PMIX_RANK} from {@code srun} or PMIx launchers), else a world of one.
     */
    static World detect() {
        return underLauncher(System.getenv()) ? MpiWorld.init() : new SingleProcess();
    }

    /**
     * How many processes a launcher started for this job, from {@code env}: Open MPI's {@code OMPI_COMM_WORLD_SIZE},
     * a PMI launcher's {@code PMI_SIZE}, or the tasks of the Slurm job step that {@code srun} started
     * ({@code SLURM_STEP_NUM_TASKS}: not an allocation's {@code SLURM_NTASKS}, which a batch script sees too); 1
     * without one (a value that is not a count is passed over).
     */
    static int launchedProcesses(Map<String, String> env) {
        for (String name : new String[] {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"}) {
            String value = env.getOrDefault(name, "").strip();
            if (value.matches("[1-9][0-9]{0,8}")) {
                return Integer.parseInt(value);
            }
        }
        return 1;
    }

    /** Whether {@code env} holds a launcher's variables. */
    static boolean underLauncher(Map<String, String> env) {
        return env.containsKey("OMPI_COMM_WORLD_SIZE") || env.containsKey("PMIX_RANK");
    }
}
