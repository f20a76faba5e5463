package dev.ida4j.backend.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Memory and argument checking, the same for every backend. */
class MemoryContractTest {

    /** The backends under test (a subclass for another device shadows this and {@code fastBackends}). */
    static Stream<Named<Backend>> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldCopyInAndOutAndFill(Backend backend) {
        try (TensorArena arena = backend.arena("t"); Arena host = Arena.ofConfined()) {
            Tensor t = arena.allocate("t", DType.F32, 3, 7);
            MemorySegment in = host.allocate(21 * 4);
            for (int i = 0; i < 21; i++) {
                in.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 0.5f);
            }
            backend.copyIn(t, in);
            MemorySegment out = host.allocate(21 * 4);
            backend.copyOut(out, t);
            assertThat(out.toArray(ValueLayout.JAVA_FLOAT)).isEqualTo(in.toArray(ValueLayout.JAVA_FLOAT));
            Tensor middle = t.view("middle", 5, 11);
            backend.fill(middle, -2.5f);
            backend.copyOut(out, t);
            float[] got = out.toArray(ValueLayout.JAVA_FLOAT);
            for (int i = 0; i < 21; i++) {
                assertThat(got[i]).as("element %d", i).isEqualTo(i >= 5 && i < 16 ? -2.5f : i * 0.5f);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldNameOpArgumentAndBothShapesOnMismatch(Backend backend) {
        try (TensorArena arena = backend.arena("t")) {
            Tensor out = arena.allocate("out", DType.F32, 8, 16);
            Tensor mean = arena.allocate("mean", DType.F32, 8);
            Tensor rstd = arena.allocate("rstd", DType.F32, 8);
            Tensor inp = arena.allocate("inp", DType.F32, 8, 15);
            Tensor w = arena.allocate("w", DType.F32, 16);
            Tensor b = arena.allocate("b", DType.F32, 16);
            assertThatThrownBy(() -> backend.layerNormForward(out, mean, rstd, inp, w, b, 8, 16))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("layerNormForward").hasMessageContaining("inp")
                    .hasMessageContaining("[8, 15]").hasMessageContaining("[8, 16]");
            Tensor c = arena.allocate("c", DType.F32, 4, 5);
            Tensor a = arena.allocate("a", DType.F32, 4, 3);
            Tensor bb = arena.allocate("bb", DType.F32, 5, 3);
            assertThatThrownBy(() -> backend.matmul(c, a, bb, 4, 5, 3, false, false, false))
                    .hasMessageContaining("matmul").hasMessageContaining("b has shape [5, 3]")
                    .hasMessageContaining("(K, N) = [3, 5]");
            Tensor ids = arena.allocate("ids", DType.F32, 2, 4);
            assertThatThrownBy(() -> backend.embeddingForward(out, ids, w.reshape(1, 16), null, 2, 4, 16))
                    .hasMessageContaining("embeddingForward").hasMessageContaining("ids")
                    .hasMessageContaining("must be I32");
            assertThatThrownBy(() -> backend.residualForward(out, out, null, out.numel()))
                    .hasMessageContaining("residualForward").hasMessageContaining("b is null");
            assertThatThrownBy(() -> backend.matmul(c, a, bb, 0, 5, 3, false, true, false))
                    .hasMessageContaining("must all be positive");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldNameTheBufferUsedAfterItsArenaClosed(Backend backend) {
        TensorArena arena = backend.arena("run-activations");
        Tensor x = arena.allocate("h.3.fc", DType.F32, 4);
        Tensor y = arena.allocate("h.3.gelu", DType.F32, 4);
        arena.close();
        assertThatThrownBy(() -> backend.residualForward(y, x, x, 4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'h.3.gelu'").hasMessageContaining("'run-activations'");
        assertThatThrownBy(() -> backend.fill(x, 0)).hasMessageContaining("'h.3.fc'");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldRefuseAnOutputThatOverlapsAnInput(Backend backend) {
        try (TensorArena arena = backend.arena("t")) {
            Tensor big = arena.allocate("big", DType.F32, 64);
            Tensor c = big.view("c", 0, 4, 4);
            Tensor a = big.view("a", 8, 4, 4);
            Tensor b = arena.allocate("b", DType.F32, 4, 4);
            assertThatThrownBy(() -> backend.matmul(c, a, b, 4, 4, 4, false, false, false))
                    .hasMessageContaining("matmul: output c overlaps input a");
        }
    }
}
