package dev.ida4j.cluster;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * Open MPI through the FFM API: the few calls a data-parallel job needs, from {@code libmpi.so.40} as the dynamic
 * linker finds it (the launcher's environment). Open MPI's handles are the addresses of its predefined objects:
 * {@code MPI_COMM_WORLD} is {@code &ompi_mpi_comm_world}, {@code MPI_FLOAT} {@code &ompi_mpi_float}, {@code MPI_SUM}
 * {@code &ompi_mpi_op_sum}; {@code MPI_IN_PLACE} is the address 1. Host arrays go through off-heap copies, since a
 * collective may wait for the other ranks far longer than a heap array may stay pinned.
 */
final class MpiWorld implements World {
    static final String LIBRARY = "libmpi.so.40";
    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final MemorySegment IN_PLACE = MemorySegment.ofAddress(1);
    /** An MPI count is an int: longer arrays go in chunks. */
    private static final long MAX_COUNT = Integer.MAX_VALUE;

    private final MemorySegment comm;
    private final MemorySegment floatType;
    private final MemorySegment doubleType;
    private final MemorySegment longType;
    private final MemorySegment byteType;
    private final MemorySegment sumOp;
    // int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype, MPI_Op, MPI_Comm)
    private final MethodHandle allreduce;
    // int MPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype, void *recvbuf, int recvcount, MPI_Datatype,
    //                   MPI_Comm)
    private final MethodHandle allgather;
    // int MPI_Bcast(void *buffer, int count, MPI_Datatype, int root, MPI_Comm)
    private final MethodHandle bcast;
    private final MethodHandle barrier;   // int MPI_Barrier(MPI_Comm)
    private final MethodHandle abort;     // int MPI_Abort(MPI_Comm, int errorcode)
    private final MethodHandle finalizer; // int MPI_Finalize(void)
    private final int rank;
    private final int size;
    private boolean closed;

    private MpiWorld(SymbolLookup mpi) throws Throwable {
        comm = symbol(mpi, "ompi_mpi_comm_world");
        floatType = symbol(mpi, "ompi_mpi_float");
        doubleType = symbol(mpi, "ompi_mpi_double");
        longType = symbol(mpi, "ompi_mpi_int64_t");
        byteType = symbol(mpi, "ompi_mpi_byte");
        sumOp = symbol(mpi, "ompi_mpi_op_sum");
        allreduce = function(mpi, "MPI_Allreduce", INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
        allgather = function(mpi, "MPI_Allgather", INT, ValueLayout.ADDRESS, INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
        bcast = function(mpi, "MPI_Bcast", INT, ValueLayout.ADDRESS, INT, ValueLayout.ADDRESS, INT,
                ValueLayout.ADDRESS);
        barrier = function(mpi, "MPI_Barrier", INT, ValueLayout.ADDRESS);
        abort = function(mpi, "MPI_Abort", INT, ValueLayout.ADDRESS, INT);
        finalizer = function(mpi, "MPI_Finalize", INT);
        MethodHandle init = function(mpi, "MPI_Init", INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
        check("MPI_Init", (int) init.invokeExact(MemorySegment.NULL, MemorySegment.NULL));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(INT);
            MethodHandle commRank = function(mpi, "MPI_Comm_rank", INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
            check("MPI_Comm_rank", (int) commRank.invokeExact(comm, out));
            rank = out.get(INT, 0);
            MethodHandle commSize = function(mpi, "MPI_Comm_size", INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
            check("MPI_Comm_size", (int) commSize.invokeExact(comm, out));
            size = out.get(INT, 0);
        }
    }

    /** Loads Open MPI and joins the launcher's world; a clear error when the library is missing. */
    static MpiWorld init() {
        SymbolLookup mpi;
        try {
            mpi = SymbolLookup.libraryLookup(LIBRARY, Arena.global());   // libmpi stays loaded while the process lives
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("started by an MPI launcher, but " + LIBRARY + " (Open MPI) cannot be"
                    + " loaded: install Open MPI (Debian: openmpi-bin libopenmpi-dev), or start without mpirun/srun");
        }
        try {
            return new MpiWorld(mpi);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("MPI: " + t, t);
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void sumFloats(MemorySegment floats, long count) {
        requireOpen("sumFloats");
        for (long done = 0; done < count; done += MAX_COUNT) {
            int n = (int) Math.min(MAX_COUNT, count - done);
            sumInPlace(floats.asSlice(done * Float.BYTES, (long) n * Float.BYTES), n, floatType);
        }
    }

    @Override
    public void sum(double[] values) {
        requireOpen("sum");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, values);
            sumInPlace(buf, values.length, doubleType);
            MemorySegment.copy(buf, ValueLayout.JAVA_DOUBLE, 0, values, 0, values.length);
        }
    }

    @Override
    public void sum(long[] values) {
        requireOpen("sum");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_LONG, values);
            sumInPlace(buf, values.length, longType);
            MemorySegment.copy(buf, ValueLayout.JAVA_LONG, 0, values, 0, values.length);
        }
    }

    @Override
    public byte[][] allgather(byte[] bytes) {
        requireOpen("allgather");
        long[] lengths = new long[size];
        lengths[rank] = bytes.length;
        sum(lengths);
        int most = (int) Arrays.stream(lengths).max().orElseThrow();
        try (Arena arena = Arena.ofConfined()) {
            // every rank sends the longest length, its own bytes zero-padded: one MPI_Allgather of equal blocks
            MemorySegment send = arena.allocate(Math.max(most, 1));
            MemorySegment.copy(bytes, 0, send, ValueLayout.JAVA_BYTE, 0, bytes.length);
            MemorySegment recv = arena.allocate((long) Math.max(most, 1) * size);
            call("MPI_Allgather", () -> (int) allgather.invokeExact(send, most, byteType, recv, most, byteType, comm));
            byte[][] out = new byte[size][];
            for (int r = 0; r < size; r++) {
                out[r] = new byte[(int) lengths[r]];
                MemorySegment.copy(recv, ValueLayout.JAVA_BYTE, (long) r * most, out[r], 0, out[r].length);
            }
            return out;
        }
    }

    @Override
    public void broadcast(byte[] bytes, int root) {
        requireOpen("broadcast");
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("broadcast: root " + root + " outside 0.." + (size - 1));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            call("MPI_Bcast", () -> (int) bcast.invokeExact(buf, bytes.length, byteType, root, comm));
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, bytes, 0, bytes.length);
        }
    }

    @Override
    public void barrier() {
        requireOpen("barrier");
        call("MPI_Barrier", () -> (int) barrier.invokeExact(comm));
    }

    @Override
    public void abort(int code) {
        // named here: Open MPI's own notice of an abort can get lost when the processes end at once
        System.err.println("ida4j: rank " + rank + " of " + size + " ends the job (exit code " + code + ")");
        System.err.flush();
        call("MPI_Abort", () -> (int) abort.invokeExact(comm, code));
        Runtime.getRuntime().halt(code); // MPI_Abort does not return; should it, this process still ends
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            call("MPI_Finalize", () -> (int) finalizer.invokeExact());
        }
    }

    /** {@code count} elements of {@code type} at {@code buf} summed over every rank, in place. */
    private void sumInPlace(MemorySegment buf, int count, MemorySegment type) {
        call("MPI_Allreduce", () -> (int) allreduce.invokeExact(IN_PLACE, buf, count, type, sumOp, comm));
    }

    private void requireOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": the MPI world is closed (MPI_Finalize was called)");
        }
    }

    @FunctionalInterface
    private interface MpiCall {
        int invoke() throws Throwable;
    }

    private static void call(String name, MpiCall c) {
        int code;
        try {
            code = c.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + ": " + t, t);
        }
        check(name, code);
    }

    private static void check(String name, int code) {
        if (code != 0) {
            throw new IllegalStateException(name + " failed with MPI error " + code);
        }
    }

    private static MemorySegment symbol(SymbolLookup mpi, String name) {
        return mpi.find(name).orElseThrow(() -> new IllegalStateException(LIBRARY + " has no symbol " + name
                + ": ida4j speaks Open MPI's ABI (4.x or 5.x)"));
    }

    private static MethodHandle function(SymbolLookup mpi, String name, ValueLayout result, ValueLayout... args) {
        return LINKER.downcallHandle(symbol(mpi, name), FunctionDescriptor.of(result, args));
    }
}
