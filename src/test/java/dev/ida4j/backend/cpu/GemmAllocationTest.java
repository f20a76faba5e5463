package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Steady-state GEMM calls allocate nothing: no Java heap on the calling thread or on any pool worker (measured with
 * the per-thread allocation counters), and no new tensor memory. The warm-up lets C2 compile the kernels, whose
 * vector objects are only scalar-replaced in compiled code.
 */
class GemmAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int CALLS = 50;

    @Test
    void matmulAndLinearAllocateNothingOnAnyThreadOnceWarm() {
        assertThat(THREADS.isThreadAllocatedMemorySupported()).isTrue();
        THREADS.setThreadAllocatedMemoryEnabled(true);
        try (CpuBackend backend = new CpuBackend(2); TensorArena arena = TensorArena.host("alloc")) {
            // big enough that both threads work (2·M·N·K ≫ the parallel threshold), edge tiles in every dimension
            int n = 150;
            int c = 140;
            int oc = 130;
            SplittableRandom r = new SplittableRandom(1);
            Tensor inp = GemmTest.fill(arena.allocate("inp", DType.F32, n, c), r);
            Tensor weight = GemmTest.fill(arena.allocate("weight", DType.F32, oc, c), r);
            Tensor bias = GemmTest.fill(arena.allocate("bias", DType.F32, oc), r);
            Tensor out = arena.allocate("out", DType.F32, n, oc);
            Tensor dinp = arena.allocate("dinp", DType.F32, n, c);
            Tensor dweight = arena.allocate("dweight", DType.F32, oc, c);
            Tensor dbias = arena.allocate("dbias", DType.F32, oc);
            Tensor square = arena.allocate("square", DType.F32, n, n);
            // a weight gradient over 2048 rows: a split-K product (GemmSplitK)
            int rows = 2048;
            Tensor longOut = GemmTest.fill(arena.allocate("longOut", DType.F32, rows, oc), r);
            Tensor longInp = GemmTest.fill(arena.allocate("longInp", DType.F32, rows, c), r);
            Runnable calls = () -> {
                for (int i = 0; i < CALLS; i++) {
                    backend.matmul(square, inp, inp, n, n, c, false, true, false);
                    backend.matmul(dweight, out, inp, oc, c, n, true, false, true);
                    backend.linearForward(out, inp, weight, bias, n, c, oc);
                    backend.linearBackward(dinp, dweight, dbias, out, inp, weight, n, c, oc);
                    backend.matmul(dweight, longOut, longInp, oc, c, rows, true, false, true);
                }
            };
            long[] workers = workerIds();
            assertThat(workers).as("pool worker threads").isNotEmpty();
            long heap = -1;
            long arenas = -1;
            // until C2 has compiled the kernels, the interpreter and C1 box vectors; give it up to 40 rounds
            for (int round = 0; round < 40 && heap != 0; round++) {
                long arenasBefore = TensorArena.allocationCount();
                // reading the workers' counters allocates an array: do it outside the caller's measured window
                long workersBefore = workerBytes(workers);
                long callerBefore = THREADS.getCurrentThreadAllocatedBytes();
                calls.run();
                long callerAfter = THREADS.getCurrentThreadAllocatedBytes();
                heap = callerAfter - callerBefore + workerBytes(workers) - workersBefore;
                arenas = TensorArena.allocationCount() - arenasBefore;
            }
            assertThat(heap).as("heap bytes allocated by %s calls on the caller and workers", 4 * CALLS).isZero();
            assertThat(arenas).as("tensor blocks allocated").isZero();
        }
    }

    /** The caller plus every live "ida4j-cpu-*" pool worker (idle workers of other pools allocate nothing either). */
    private static long[] workerIds() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ida4j-cpu-"))
                .mapToLong(Thread::threadId)
                .toArray();
    }

    private static long workerBytes(long[] workers) {
        long sum = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(workers)) {
            sum += Math.max(bytes, 0);
        }
        return sum;
    }
}
