package dev.ida4j.model.gpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whole-model gradient check: the loss's finite differences against {@link Gpt#backward} for sampled elements of
 * every parameter tensor, on the reference backend (plain loops), so any wiring mistake in the model shows; V 13 is
 * padded to 128, so the masked padding is in the check.
 */
class GptGradientTest {

    @Test
    void shouldMatchFiniteDifferencesForEveryParameterTensor() {
        GptConfig cfg = new GptConfig(13, 6, 8, 2, 2);
        try (Backend backend = TestBackends.reference();
             Gpt model = new Gpt(backend, cfg, 2, 5);
             Arena host = Arena.ofConfined()) {
            model.initialize(3);
            // larger weights than GPT-2's init so every path carries signal
            Tensor all = model.params().all();
            SplittableRandom r = new SplittableRandom(5);
            for (long i = 0; i < all.numel(); i++) {
                all.set(i, all.get(i) * 8 + (float) (0.05 * (r.nextDouble() - 0.5)));
            }
            MemorySegment ids = host.allocate(10 * 4);
            MemorySegment next = host.allocate(10 * 4);
            for (int i = 0; i < 10; i++) {
                ids.setAtIndex(ValueLayout.JAVA_INT, i, r.nextInt(13));
                next.setAtIndex(ValueLayout.JAVA_INT, i, r.nextInt(13));
            }
            model.setBatch(ids, next);
            model.forward();
            model.zeroGrad();
            model.backward();
            int checked = 0;
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                Tensor p = model.params().get(e.name());
                Tensor g = model.grads().get(e.name());
                // wte's padding rows (V 13 is padded to 128) are checked to have zero gradients below
                long real = e.name().equals("wte") ? (long) cfg.vocab() * cfg.channels() : p.numel();
                for (int s = 0; s < 3; s++) {
                    long i = r.nextLong(real);
                    float orig = p.get(i);
                    float eps = 1e-3f; // 1e-2 is too coarse: the loss curves noticeably over it at these weights
                    p.set(i, orig + eps);
                    double plus = model.forward();
                    p.set(i, orig - eps);
                    double minus = model.forward();
                    p.set(i, orig);
                    double numeric = (plus - minus) / ((double) (orig + eps) - (double) (orig - eps));
                    double analytic = g.get(i);
                    assertThat(analytic).as("d loss / d %s[%d]", e.name(), i)
                            .isCloseTo(numeric, org.assertj.core.data.Offset.offset(2e-3 + 3e-2 * Math.abs(numeric)));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(3 * cfg.parameterLayout().entries().size());
            Tensor dwte = model.grads().get("wte");
            for (long i = (long) cfg.vocab() * cfg.channels(); i < dwte.numel(); i++) {
                assertThat(dwte.get(i)).as("d loss / d wte[%d], a padding row", i).isZero();
            }
        }
    }
}
