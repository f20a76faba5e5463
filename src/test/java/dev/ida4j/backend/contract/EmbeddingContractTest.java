package dev.ida4j.backend.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.GradCheck;
import dev.ida4j.backend.Rand;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Token + position embedding: hand-checked values, gradients, bad ids, and parity with the reference. */
class EmbeddingContractTest {

    /** The backends under test (a subclass for another device shadows this and {@code fastBackends}). */
    static Stream<Named<Backend>> backends() {
        return TestBackends.all();
    }

    /** The backends compared with the reference. */
    static Stream<Named<Backend>> fastBackends() {
        return TestBackends.fast();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldAddTheTokenRowAndThePositionRow(Backend backend) {
        try (TensorArena arena = backend.arena("emb")) {
            Tensor wte = arena.allocate("wte", DType.F32, 3, 2).copyFrom(new float[] {1, 2, 3, 4, 5, 6});
            // more position rows than T: only the first T are used
            Tensor wpe = arena.allocate("wpe", DType.F32, 3, 2).copyFrom(new float[] {10, 20, 30, 40, 50, 60});
            Tensor ids = arena.allocate("ids", DType.I32, 2, 2).copyFrom(new int[] {2, 0, 1, 1});
            Tensor out = arena.allocate("out", DType.F32, 2, 2, 2);
            backend.embeddingForward(out, ids, wte, wpe, 2, 2, 2);
            assertThat(out.toFloatArray()).containsExactly(15, 26, 31, 42, 13, 24, 33, 44);
            backend.embeddingForward(out, ids, wte, null, 2, 2, 2);
            assertThat(out.toFloatArray()).containsExactly(5, 6, 1, 2, 3, 4, 3, 4);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldScatterAddIntoTheTablesAndSumPositionsOverTheBatch(Backend backend) {
        try (TensorArena arena = backend.arena("emb")) {
            Tensor ids = arena.allocate("ids", DType.I32, 2, 2).copyFrom(new int[] {2, 0, 2, 2});
            Tensor dout = arena.allocate("dout", DType.F32, 2, 2, 2).copyFrom(new float[] {1, 2, 3, 4, 5, 6, 7, 8});
            Tensor dwte = arena.allocate("dwte", DType.F32, 3, 2).copyFrom(new float[] {100, 100, 100, 100, 0, 0});
            Tensor dwpe = arena.allocate("dwpe", DType.F32, 3, 2).copyFrom(new float[] {0, 0, 0, 0, 9, 9});
            backend.embeddingBackward(dwte, dwpe, dout, ids, 2, 2, 2);
            // token 2 was used three times (1,2 + 5,6 + 7,8), token 0 once, token 1 never; row 2 of wpe unused
            assertThat(dwte.toFloatArray()).containsExactly(103, 104, 100, 100, 13, 16);
            assertThat(dwpe.toFloatArray()).containsExactly(6, 8, 10, 12, 9, 9);
            backend.embeddingBackward(null, dwpe, dout, ids, 2, 2, 2);
            assertThat(dwpe.toFloatArray()).containsExactly(12, 16, 20, 24, 9, 9);
            backend.embeddingBackward(dwte, null, dout, ids, 2, 2, 2);
            assertThat(dwte.toFloatArray()).containsExactly(106, 108, 100, 100, 26, 32);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldNameTheOpThePositionAndTheIdOutsideTheTable(Backend backend) {
        try (TensorArena arena = backend.arena("emb")) {
            Tensor wte = arena.allocate("wte", DType.F32, 5, 3);
            Tensor ids = arena.allocate("ids", DType.I32, 2, 3).copyFrom(new int[] {0, 1, 2, 3, 4, 5});
            Tensor out = arena.allocate("out", DType.F32, 2, 3, 3);
            assertThatThrownBy(() -> backend.embeddingForward(out, ids, wte, null, 2, 3, 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("embeddingForward").hasMessageContaining("[1, 2]")
                    .hasMessageContaining("= 5");
            ids.setInt(5, 0);
            ids.setInt(1, -1);
            Tensor dwte = arena.allocate("dwte", DType.F32, 5, 3).copyFrom(new float[15]);
            assertThatThrownBy(() -> backend.embeddingBackward(dwte, null, out, ids, 2, 3, 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("embeddingBackward").hasMessageContaining("[0, 1]")
                    .hasMessageContaining("= -1");
            assertThat(dwte.toFloatArray()).as("nothing accumulated before the check").containsOnly(0f);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldPassTheGradientCheck(Backend backend) {
        int b = 2;
        int t = 3;
        int c = 5;
        int v = 4;
        try (TensorArena arena = backend.arena("emb")) {
            SplittableRandom r = new SplittableRandom(7);
            Tensor ids = Rand.ints(arena.allocate("ids", DType.I32, b, t), r, v);
            Tensor wte = Rand.uniform(arena.allocate("wte", DType.F32, v, c), r, -1, 1);
            Tensor wpe = Rand.uniform(arena.allocate("wpe", DType.F32, t + 1, c), r, -1, 1);
            Tensor dwte = arena.allocate("dwte", DType.F32, v, c);
            Tensor dwpe = arena.allocate("dwpe", DType.F32, t + 1, c);
            Tensor out = arena.allocate("out", DType.F32, b, t, c);
            Tensor dout = arena.allocate("dout", DType.F32, b, t, c);
            GradCheck.of("embedding",
                            () -> backend.embeddingForward(out, ids, wte, wpe, b, t, c),
                            () -> backend.embeddingBackward(dwte, dwpe, dout, ids, b, t, c))
                    .inputs(List.of(wte, wpe), List.of(dwte, dwpe))
                    .outputs(List.of(out), List.of(dout))
                    .tolerance(1e-4, 1e-3)
                    .run();
        }
    }

    @ParameterizedTest
    @MethodSource("fastBackends")
    void shouldMatchTheReferenceOnOddShapes(Backend backend) {
        int[][] shapes = {{1, 1, 1, 1}, {3, 7, 17, 5}, {2, 13, 33, 11}, {4, 16, 1031, 50}};
        for (int[] s : shapes) {
            int b = s[0];
            int t = s[1];
            int c = s[2];
            int v = s[3];
            try (Backend ref = TestBackends.reference(); TensorArena arena = backend.arena("emb")) {
                SplittableRandom r = new SplittableRandom(b * 1000 + c);
                // few rows in the table, so ids repeat and the scatter adds into shared rows
                Tensor ids = Rand.ints(arena.allocate("ids", DType.I32, b, t), r, v);
                Tensor wte = Rand.normal(arena.allocate("wte", DType.F32, v, c), r, 1);
                Tensor wpe = Rand.normal(arena.allocate("wpe", DType.F32, t, c), r, 1);
                Tensor dout = Rand.normal(arena.allocate("dout", DType.F32, b, t, c), r, 1);
                Tensor out = arena.allocate("out", DType.F32, b, t, c);
                Tensor expected = arena.allocate("expected", DType.F32, b, t, c);
                backend.embeddingForward(out, ids, wte, wpe, b, t, c);
                ref.embeddingForward(expected, ids, wte, wpe, b, t, c);
                Rand.assertClose("out " + shapeOf(s), out, expected, 0, 0);
                Tensor dwte = Rand.normal(arena.allocate("dwte", DType.F32, v, c), r, 1);
                Tensor dwpe = Rand.normal(arena.allocate("dwpe", DType.F32, t, c), r, 1);
                Tensor dwteRef = arena.allocate("dwteRef", DType.F32, v, c).copyFrom(dwte.toFloatArray());
                Tensor dwpeRef = arena.allocate("dwpeRef", DType.F32, t, c).copyFrom(dwpe.toFloatArray());
                backend.embeddingBackward(dwte, dwpe, dout, ids, b, t, c);
                ref.embeddingBackward(dwteRef, dwpeRef, dout, ids, b, t, c);
                Rand.assertClose("dwte " + shapeOf(s), dwte, dwteRef, 1e-5, 1e-5);
                Rand.assertClose("dwpe " + shapeOf(s), dwpe, dwpeRef, 1e-5, 1e-5);
            }
        }
    }

    private static String shapeOf(int[] s) {
        return "(B, T, C, V) = (" + s[0] + ", " + s[1] + ", " + s[2] + ", " + s[3] + ")";
    }
}
