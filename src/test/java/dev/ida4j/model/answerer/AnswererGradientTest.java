package dev.ida4j.model.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorLayout;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole-model gradient check: finite differences of the loss against {@link Answerer#backward} for sampled elements
 * of every parameter tensor, in both cell variants (post-LN with BatchNorm in training mode, and pre-LN), on the
 * reference backend (plain loops) and the CPU backend. Dropout 0; a blank fact and masked questions included.
 */
class AnswererGradientTest {

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("reference", false), Arguments.of("reference", true),
                Arguments.of("cpu", false), Arguments.of("cpu", true));
    }

    @ParameterizedTest(name = "{0}, preLayerNorm {1}")
    @MethodSource("variants")
    void shouldMatchFiniteDifferencesForEveryParameterTensor(String device, boolean preLn) {
        AnswererConfig cfg = new AnswererConfig(7, 3, 2, 3, 8, 2, 2, 2, 3, 2, 0f, preLn);
        try (Backend backend = device.equals("cpu") ? Backends.cpu(2) : TestBackends.reference();
             Answerer model = new Answerer(backend, cfg, 3, 4, 3)) {
            model.initialize(3);
            ToyBatch batch = ToyBatch.random(cfg, 2, 4, 3, 9);
            batch.load(model);
            model.forwardBackward();
            SplittableRandom r = new SplittableRandom(5);
            int checked = 0;
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                Tensor p = model.params().get(e.name());
                Tensor g = model.grads().get(e.name());
                for (int s = 0; s < 3; s++) {
                    long i = r.nextLong(p.numel());
                    float orig = p.get(i);
                    float eps = 1e-3f;
                    p.set(i, orig + eps);
                    double plus = model.forward();
                    p.set(i, orig - eps);
                    double minus = model.forward();
                    p.set(i, orig);
                    double numeric = (plus - minus) / ((double) (orig + eps) - (double) (orig - eps));
                    assertThat((double) g.get(i)).as("d loss / d %s[%d]", e.name(), i)
                            .isCloseTo(numeric, Offset.offset(3e-3 + 3e-2 * Math.abs(numeric)));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(3 * cfg.parameterLayout().entries().size());
        }
    }
}
