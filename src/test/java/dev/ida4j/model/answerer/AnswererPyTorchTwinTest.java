package dev.ida4j.model.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.io.SafeTensors;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * X against its PyTorch twin (benchmarks/pytorch/answerer.py, committed fixture): from the same weights and batch
 * (post-LN + BatchNorm in training mode, dropout 0, a blank fact, a padding question, a half-weight question), the
 * per-position log-probabilities, the loss, every parameter gradient and the BatchNorm running statistics after the
 * forward must agree at fp32 tolerance, on every backend.
 */
class AnswererPyTorchTwinTest {
    private static TensorArena arena;
    private static SafeTensors fixture;
    private static AnswererConfig cfg;
    private static int b;
    private static int f;
    private static int q;

    @BeforeAll
    static void load() throws Exception {
        arena = TensorArena.host("fixture");
        fixture = SafeTensors.read(Path.of(AnswererPyTorchTwinTest.class
                .getResource("/fixtures/answerer_small.safetensors").toURI()), arena);
        Map<String, String> m = fixture.metadata();
        cfg = new AnswererConfig(i(m, "V"), i(m, "W"), i(m, "Lq"), i(m, "La"), i(m, "C"), i(m, "NH"), i(m, "FL"),
                i(m, "QL"), i(m, "E"), i(m, "M"), 0f, false);
        b = i(m, "B");
        f = i(m, "F");
        q = i(m, "Q");
    }

    private static int i(Map<String, String> m, String key) {
        return Integer.parseInt(m.get(key));
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    @ParameterizedTest
    @MethodSource("dev.ida4j.backend.TestBackends#all")
    void shouldMatchLogProbabilitiesLossGradientsAndRunningStatistics(Backend backend) {
        try (Answerer model = new Answerer(backend, cfg, b + 1, f + 2, q)) { // capacity above the batch on purpose
            model.initialize(0); // running statistics 0 and 1, as torch's
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                backend.copyIn(model.params().get(e.name()), fixture.tensor("param." + e.name()).segment());
            }
            model.setBatch(b, f, q, fixture.tensor("facts").toIntArray(), fixture.tensor("questions").toIntArray(),
                    fixture.tensor("answers").toIntArray(), fixture.tensor("mask").toFloatArray());
            float loss = model.forwardBackward();
            assertThat((double) loss).as("loss").isCloseTo(fixture.tensor("loss").get(0), Offset.offset(2e-5));
            for (int i = 0; i < cfg.answerLength(); i++) {
                assertWithin("logp of answer position " + i, model.logp(i), fixture.tensor("logp." + i), 1e-5);
            }
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                assertWithin("grad of " + e.name(), model.grads().get(e.name()), fixture.tensor("grad." + e.name()),
                        2e-4);
            }
            for (TensorLayout.Entry e : cfg.bufferLayout().entries()) {
                assertWithin(e.name() + " after one forward", model.buffers().get(e.name()),
                        fixture.tensor("buffer." + e.name()), 1e-5);
            }
        }
    }

    /** max |actual - expected| ≤ relTol · max |expected| (+ a floor for all-zero tensors). */
    private static void assertWithin(String what, Tensor actual, Tensor expected, double relTol) {
        assertThat(actual.numel()).as(what + " size").isEqualTo(expected.numel());
        double scale = 0;
        double worst = 0;
        long at = 0;
        for (long i = 0; i < expected.numel(); i++) {
            scale = Math.max(scale, Math.abs(expected.get(i)));
            double d = Math.abs((double) actual.get(i) - expected.get(i));
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertThat(worst).as("%s: worst element %d is %s, PyTorch %s (max |value| %s)", what, at, actual.get(at),
                expected.get(at), scale).isLessThanOrEqualTo(relTol * scale + 1e-7);
    }
}
