package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.tensor.TensorArena;
import org.junit.jupiter.api.Test;

/**
 * Warm cross-entropy calls (forward with and without a mask, backward) allocate nothing on the caller or the pool's
 * workers. In a fresh JVM, like every *AllocationTest: in the 256-bit execution's shared JVM, after the contract and
 * GEMM tests, C2 compiled a variant that allocated 8 KiB per call in two of three runs of the same commit.
 */
class CrossEntropyAllocationTest {

    @Test
    void shouldAllocateNothingOnceWarm() {
        int n = 32;
        int v = 67;
        try (CpuBackend backend = new CpuBackend(2); TensorArena arena = TensorArena.host("ce")) {
            CrossEntropyCase c = CrossEntropyCase.random(arena, n, v, 13);
            long bytes = AttentionThreadsTest.allocatedOnceWarm(() -> {
                backend.crossEntropyForward(c.losses(), c.probs(), c.logits(), c.targets(), c.mask(), n, v);
                backend.crossEntropyForward(c.losses(), c.probs(), c.logits(), c.targets(), null, n, v);
                backend.crossEntropyBackward(c.dlogits(), c.dlosses(), c.probs(), c.targets(), c.mask(), n, v);
            });
            assertThat(bytes).as("heap bytes allocated by warm cross-entropy calls").isZero();
        }
    }
}
