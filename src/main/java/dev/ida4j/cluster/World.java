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

    /** {@code bytes} replaced on every rank by rank {@code root}'s. */
    void broadcast(byte[] bytes, int root);

    /** Returns once every rank has called it. */
    void barrier();

    /** Ends every process of the job with {@code code}: how one rank's failure stops the others. Does not return. */
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

    /** Whether {@code env} holds a launcher's variables. */
    static boolean underLauncher(Map<String, String> env) {
        return env.containsKey("OMPI_COMM_WORLD_SIZE") || env.containsKey("PMIX_RANK");
    }
}
