package dev.ida4j.backend.cpu;

import dev.ida4j.backend.Rand;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.util.SplittableRandom;

/** Random inputs and the output tensors of one cross-entropy forward and backward: n rows over v classes. */
record CrossEntropyCase(Tensor logits, Tensor targets, Tensor mask, Tensor dlosses, Tensor probs, Tensor losses,
                        Tensor dlogits) {

    // logits(n,v) ~ N(0, 3), targets(n) in [0, v), mask(n) in [0, 1), dlosses(n) in [-1, 1); outputs uninitialised
    static CrossEntropyCase random(TensorArena arena, int n, int v, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new CrossEntropyCase(
                Rand.normal(arena.allocate("logits", DType.F32, n, v), r, 3),
                Rand.ints(arena.allocate("targets", DType.I32, n), r, v),
                Rand.uniform(arena.allocate("mask", DType.F32, n), r, 0, 1),
                Rand.uniform(arena.allocate("dlosses", DType.F32, n), r, -1, 1),
                arena.allocate("probs", DType.F32, n, v),
                arena.allocate("losses", DType.F32, n),
                arena.allocate("dlogits", DType.F32, n, v));
    }
}
