package dev.ida4j.model.gpt;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.optim.AdamW;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves that a training step (forward, zero gradients, backward, AdamW with clipping) allocates nothing once warm:
 * no native memory (the arenas' allocation counter) and no Java heap on the calling thread or any pool worker
 * (HotSpot's per-thread allocation counters).
 */
class TrainingStepAllocationTest {

    @Test
    void shouldAllocateNothingInsideATrainingStep() {
        GptConfig cfg = new GptConfig(64, 16, 32, 2, 4);
        try (Backend backend = Backends.cpu(2);
             Gpt model = new Gpt(backend, cfg, 4, 16);
             AdamW opt = new AdamW(backend, model.params(), AdamW.Settings.of(1e-3f, 0.1f).withClip(1f));
             Arena host = Arena.ofConfined()) {
            model.initialize(1);
            MemorySegment ids = host.allocate(64 * 4);
            MemorySegment next = host.allocate(64 * 4);
            for (int i = 0; i < 64; i++) {
                ids.setAtIndex(ValueLayout.JAVA_INT, i, (i * 7) % 64);
                next.setAtIndex(ValueLayout.JAVA_INT, i, (i * 5 + 3) % 64);
            }
            model.setBatch(ids, next);
            // warm up until the kernels are compiled by C2 (interpreted Vector API code boxes vectors)
            for (int i = 0; i < 3000; i++) {
                model.trainStep(opt);
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] ids0 = poolThreadIds();
            // In a long test run the JIT may still be compiling or recompiling something (a kernel not yet in C2
            // runs with boxed vectors; on a loaded machine the last compiles land after the 3000 steps): steady state
            // means some window of 20 steps allocates nothing. A kernel that always allocates fails every window
            // until the deadline.
            List<String> windows = new ArrayList<>();
            long deadline = System.nanoTime() + 20_000_000_000L;
            for (int window = 0; window < 5 || System.nanoTime() < deadline; window++) {
                long nativeBefore = TensorArena.allocationCount();
                long heapBefore = allocated(threads, ids0);
                for (int i = 0; i < 20; i++) {
                    model.trainStep(opt);
                }
                long heap = allocated(threads, ids0) - heapBefore;
                long blocks = TensorArena.allocationCount() - nativeBefore;
                if (heap == 0 && blocks == 0) {
                    return;
                }
                windows.add(heap + " heap bytes, " + blocks + " native blocks");
            }
            throw new AssertionError("every window of 20 training steps on " + ids0.length
                    + " threads allocated (the last five: " + windows.subList(windows.size() - 5, windows.size())
                    + ", of " + windows.size() + ")");
        }
    }

    /** The current thread and the CPU backend's workers. */
    private static long[] poolThreadIds() {
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().threadId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("ida4j-cpu-")) {
                ids.add(t.threadId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** Sum over the threads, read one at a time (the array-returning variant would itself allocate). */
    private static long allocated(com.sun.management.ThreadMXBean threads, long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += threads.getThreadAllocatedBytes(id);
        }
        return sum;
    }
}
