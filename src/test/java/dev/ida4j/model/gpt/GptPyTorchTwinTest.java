package dev.ida4j.model.gpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.io.SafeTensors;
import dev.ida4j.optim.AdamW;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model against its PyTorch twin (benchmarks/pytorch/tiny_gpt.py, committed fixture): from the same weights and
 * batch, the logits, the loss, every parameter gradient and the losses of 10 AdamW steps must agree at fp32
 * tolerance, on every backend.
 */
class GptPyTorchTwinTest {
    private static TensorArena arena;
    private static SafeTensors fixture;
    private static GptConfig cfg;
    private static int batch;

    @BeforeAll
    static void load() throws Exception {
        arena = TensorArena.host("fixture");
        fixture = SafeTensors.read(Path.of(GptPyTorchTwinTest.class
                .getResource("/fixtures/tiny_gpt_small.safetensors").toURI()), arena);
        Map<String, String> m = fixture.metadata();
        cfg = new GptConfig(Integer.parseInt(m.get("V")), Integer.parseInt(m.get("T")),
                Integer.parseInt(m.get("C")), Integer.parseInt(m.get("L")), Integer.parseInt(m.get("NH")));
        batch = Integer.parseInt(m.get("B"));
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    @ParameterizedTest
    @MethodSource("dev.ida4j.backend.TestBackends#all")
    void shouldMatchLogitsLossGradientsAndTenAdamWSteps(Backend backend) {
        try (Gpt model = new Gpt(backend, cfg, batch, cfg.maxT())) {
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                backend.copyIn(model.params().get(e.name()), fixture.tensor("param." + e.name()).segment());
            }
            model.setBatch(fixture.tensor("tokens").segment(), fixture.tensor("targets").segment());

            float loss = model.forward();
            assertThat((double) loss).as("loss").isCloseTo(fixture.tensor("loss").get(0),
                    org.assertj.core.data.Offset.offset(2e-5));
            assertWithin("logits", model.logits(), fixture.tensor("logits"), 1e-4);

            model.zeroGrad();
            model.backward();
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                assertWithin("grad of " + e.name(), model.grads().get(e.name()), fixture.tensor("grad." + e.name()),
                        2e-4);
            }

            Map<String, String> m = fixture.metadata();
            String[] betas = m.get("betas").split(",");
            AdamW.Settings s = new AdamW.Settings(Float.parseFloat(m.get("lr")), Float.parseFloat(betas[0]),
                    Float.parseFloat(betas[1]), Float.parseFloat(m.get("eps")), Float.parseFloat(m.get("weight_decay")),
                    0f);
            Tensor expected = fixture.tensor("losses");
            try (AdamW opt = new AdamW(backend, model.params(), s)) {
                for (int i = 0; i < expected.numel(); i++) {
                    float got = model.trainStep(opt);
                    assertThat((double) got).as("loss before AdamW step %d", i + 1)
                            .isCloseTo(expected.get(i), org.assertj.core.data.Offset.offset(1e-4));
                }
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
