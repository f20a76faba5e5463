package dev.ida4j.model.asker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.CheckedBackend;
import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.backend.ref.ReferenceBackend;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorLayout;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import java.util.function.Supplier;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole-H′ gradient check: finite differences of the loss against {@link Asker#forwardBackward} for sampled elements
 * of every parameter tensor, for both cell forms (post-LN + BatchNorm in training mode, and pre-LN), dropout 0, on the
 * reference backend and the fast CPU one, with a batch smaller than the capacity.
 */
class AskerGradientTest {

    static Stream<Arguments> cases() {
        return Stream.of(true, false).flatMap(postLn -> Stream.of(
                Arguments.of(Named.of("reference", (Supplier<Backend>)
                        () -> new CheckedBackend(new ReferenceBackend())), postLn),
                Arguments.of(Named.of("cpu-2-threads", (Supplier<Backend>)
                        () -> new CheckedBackend(new CpuBackend(2))), postLn)));
    }

    @ParameterizedTest(name = "{0}, postLn {1}")
    @MethodSource("cases")
    void shouldMatchFiniteDifferencesForEveryParameterTensor(Supplier<Backend> make, boolean postLn) {
        AskerConfig cfg = new AskerConfig(7, 2, 2, 2, 8, 2, 2, 0f, postLn);
        int n = 2;
        Rng r = new Rng(11);
        int[] transcripts = new int[n * cfg.transcriptLength()];
        for (int i = 0; i < transcripts.length; i++) {
            transcripts[i] = r.nextInt(cfg.vocab());
        }
        try (Backend backend = make.get(); Asker model = new Asker(backend, cfg, 3)) {
            model.initialize(5);
            model.setBatch(n, transcripts);
            model.forwardBackward();
            // every finite difference reruns forwardBackward, which replaces the gradients: keep the analytic ones
            float[] analytic = model.grads().all().toFloatArray();
            int checked = 0;
            int kinks = 0;
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                Tensor p = model.params().get(e.name());
                for (int sample = 0; sample < 2; sample++) {
                    long i = r.nextLong(p.numel());
                    double[] d = differences(model, p, i, 1e-3f);
                    double numeric = d[0];
                    double tol = 1e-3 + 5e-2 * Math.abs(numeric);
                    if (Math.abs(d[1] - d[2]) > tol) {
                        // the one-sided slopes differ: a ReLU input lies within eps of 0, where the loss has a kink
                        // and no finite difference is the gradient; resample
                        kinks++;
                        sample--;
                        continue;
                    }
                    assertThat((double) analytic[(int) (e.offset() + i)]).as("d loss / d %s[%d]", e.name(), i)
                            .isCloseTo(numeric, Offset.offset(tol));
                    checked++;
                }
            }
            assertThat(kinks).as("samples skipped at ReLU kinks").isLessThan(checked / 10);
            assertThat(checked).isEqualTo(2 * cfg.parameterLayout().entries().size());
        }
    }

    /** Central, forward and backward differences of the training loss in parameter element {@code i}. */
    private static double[] differences(Asker model, Tensor p, long i, float eps) {
        float orig = p.get(i);
        double center = model.forwardBackward();
        p.set(i, orig + eps);
        double plus = model.forwardBackward();
        double up = (double) (orig + eps) - orig; // the nudged values are rounded to float: use the steps taken
        p.set(i, orig - eps);
        double minus = model.forwardBackward();
        double down = (double) orig - (double) (orig - eps);
        p.set(i, orig);
        return new double[] {(plus - minus) / (up + down), (plus - center) / up, (center - minus) / down};
    }
}
