package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Rand;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.util.SplittableRandom;
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
            SplittableRandom r = new SplittableRandom(13);
            Tensor logits = Rand.normal(arena.allocate("logits", DType.F32, n, v), r, 3);
            Tensor targets = Rand.ints(arena.allocate("targets", DType.I32, n), r, v);
            Tensor mask = Rand.uniform(arena.allocate("mask", DType.F32, n), r, 0, 1);
            Tensor dlosses = Rand.uniform(arena.allocate("dlosses", DType.F32, n), r, -1, 1);
            Tensor probs = arena.allocate("probs", DType.F32, n, v);
            Tensor losses = arena.allocate("losses", DType.F32, n);
            Tensor dlogits = arena.allocate("dlogits", DType.F32, n, v);
            long bytes = AttentionThreadsTest.allocatedOnceWarm(() -> {
                backend.crossEntropyForward(losses, probs, logits, targets, mask, n, v);
                backend.crossEntropyForward(losses, probs, logits, targets, null, n, v);
                backend.crossEntropyBackward(dlogits, dlosses, probs, targets, mask, n, v);
            });
            assertThat(bytes).as("heap bytes allocated by warm cross-entropy calls").isZero();
        }
    }
}
