package dev.ida4j.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import org.junit.jupiter.api.Test;

class ProfilerTest {

    @Test
    void shouldTimeEveryOpAndPassItsResultThrough() {
        Profiler profiler = new Profiler(TestBackends.reference());
        try (Backend backend = profiler.backend(); TensorArena arena = backend.arena("profile")) {
            Tensor a = arena.allocate("a", DType.F32, 2, 3);
            Tensor b = arena.allocate("b", DType.F32, 3, 2);
            Tensor c = arena.allocate("c", DType.F32, 2, 2);
            backend.fill(a, 1f);
            backend.fill(b, 2f);
            backend.matmul(c, a, b, 2, 2, 3, false, false, false);
            backend.matmul(c, a, b, 2, 2, 3, false, false, true);
            backend.synchronize();

            assertThat(c.toFloatArray()).containsOnly(12f);
            assertThat(backend.sumSquares(c, 4)).isEqualTo(4 * 144.0);
            String report = profiler.report();
            assertThat(report).containsPattern("(?m)^matmul +[0-9.]+ ms +[0-9.]+ % +2 calls$")
                    .containsPattern("(?m)^fill +[0-9.]+ ms +[0-9.]+ % +2 calls$")
                    .containsPattern("(?m)^sum_squares .* 1 calls$")
                    .containsPattern("(?m)^total +[0-9.]+ ms$")
                    .doesNotContain("synchronize", "arena", "linear_forward");
            profiler.reset();
            assertThat(profiler.report()).doesNotContain("matmul");
        }
    }

    @Test
    void shouldRethrowWhatTheBackendThrowsAndNameIt() {
        Backend inner = TestBackends.reference();
        Profiler profiler = new Profiler(inner);
        try (Backend backend = profiler.backend(); TensorArena arena = backend.arena("profile")) {
            Tensor a = arena.allocate("a", DType.F32, 2, 3);
            assertThatThrownBy(() -> backend.matmul(a, a, a, 2, 2, 3, false, false, false))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(backend.name()).isEqualTo(inner.name());
            assertThat(backend.toString()).startsWith("Profiler(");
        }
    }
}
