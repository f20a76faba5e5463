package dev.ida4j.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The EMA teacher against a double-precision recomputation of teacher + (student − teacher)/min(t, horizon). */
class PolyakTest {
    // 37 + 3·11 elements: odd sizes reach the vector loops' scalar tails
    private static final TensorLayout LAYOUT = TensorLayout.builder().add("w", 37).add("b", 3, 11).build();
    private static final int RUNNING = 13;

    private static void randomize(Tensor t, SplittableRandom rnd, double scale) {
        for (long i = 0; i < t.numel(); i++) {
            t.set(i, (float) (scale * (rnd.nextDouble() * 2 - 1)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.ida4j.backend.TestBackends#all")
    void shouldMatchADoubleRecomputationOverParametersAndBuffers(Backend backend) {
        int horizon = 5;
        try (TensorArena arena = backend.arena("polyak")) {
            TensorSet student = arena.allocate("student", LAYOUT);
            TensorSet teacher = arena.allocate("teacher", LAYOUT);
            Tensor studentRunning = arena.allocate("student.running", DType.F32, RUNNING);
            Tensor teacherRunning = arena.allocate("teacher.running", DType.F32, RUNNING);
            List<Tensor> s = List.of(student.all(), studentRunning);
            List<Tensor> t = List.of(teacher.all(), teacherRunning);
            SplittableRandom rnd = new SplittableRandom(7);
            randomize(teacher.all(), rnd, 1e6); // whatever the teacher held before is forgotten at t = 1
            randomize(teacherRunning, rnd, 1e6);
            Polyak polyak = new Polyak(backend, t, s, horizon);
            double[][] ref = new double[2][];

            for (int step = 1; step <= 12; step++) {
                randomize(student.all(), rnd, 1 + step);
                randomize(studentRunning, rnd, 3);
                polyak.update(step);
                double h = Math.min(step, horizon);
                for (int k = 0; k < 2; k++) {
                    float[] x = s.get(k).toFloatArray();
                    float[] e = t.get(k).toFloatArray();
                    if (step == 1) {
                        ref[k] = new double[x.length];
                        assertThat(e).as("t = 1: an exact copy").containsExactly(x);
                    }
                    for (int i = 0; i < x.length; i++) {
                        ref[k][i] += (x[i] - ref[k][i]) / h;
                        // a few float roundings per step, contracted by (1 - 1/h) afterwards: a few ulps of |x|
                        assertThat((double) e[i]).as("step %d tensor %d element %d", step, k, i)
                                .isCloseTo(ref[k][i], within(4e-7 * (2 + step)));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.ida4j.backend.TestBackends#all")
    void shouldBeTheMeanOfTheFirstStudentsWithinTheHorizon(Backend backend) {
        try (TensorArena arena = backend.arena("polyak-mean")) {
            Tensor student = arena.allocate("student", DType.F32, 3);
            Tensor teacher = arena.allocate("teacher", DType.F32, 3);
            Polyak polyak = new Polyak(backend, List.of(teacher), List.of(student), Polyak.DEFAULT_HORIZON);
            float[][] states = {{1, 2, 4}, {3, 2, 0}, {2, 8, -4}, {6, 0, 4}};
            for (int t = 0; t < states.length; t++) {
                student.copyFrom(states[t]);
                polyak.update(t + 1);
            }

            // (1+3+2+6)/4, (2+2+8+0)/4, (4+0-4+4)/4, up to the rounding of the rate 1/3
            assertThat(teacher.toFloatArray()).containsExactly(new float[] {3f, 3f, 1f}, within(1e-6f));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.ida4j.backend.TestBackends#all")
    void shouldRefuseMismatchedPairs(Backend backend) {
        try (TensorArena arena = backend.arena("polyak-bad")) {
            Tensor a = arena.allocate("a", DType.F32, 3);
            Tensor b = arena.allocate("b", DType.F32, 4);
            Tensor ids = arena.allocate("ids", DType.I32, 3);

            assertThatThrownBy(() -> new Polyak(backend, List.of(a), List.of(b), 10)).hasMessageContaining("b[4]");
            assertThatThrownBy(() -> new Polyak(backend, List.of(a), List.of(ids), 10)).hasMessageContaining("F32");
            assertThatThrownBy(() -> new Polyak(backend, List.of(a), List.of(), 10)).hasMessageContaining("0 student");
            assertThatThrownBy(() -> new Polyak(backend, List.of(a), List.of(a), 0)).hasMessageContaining("horizon");
            assertThatThrownBy(() -> new Polyak(backend, List.of(a), List.of(a), 10).update(0))
                    .hasMessageContaining("1-based");
        }
    }
}
