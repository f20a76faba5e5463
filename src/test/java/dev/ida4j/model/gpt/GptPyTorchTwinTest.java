package dev.ida4j.model.gpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.io.SafeTensors;
import dev.ida4j.optim.AdamW;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model against its PyTorch twin (benchmarks/pytorch/tiny_gpt.py, committed fixtures): from the same weights and
 * batch, the logits, the loss, every parameter gradient and the losses of 10 AdamW steps must agree at fp32
 * tolerance, on every backend. Two fixtures: V 256 (a multiple of 128: no padding) and V 250, where ida4j pads the
 * vocabulary to 256 and PyTorch does not, so the padded model must be the unpadded one.
 */
class GptPyTorchTwinTest {
    private static final List<String> FIXTURES = List.of("tiny_gpt_small", "tiny_gpt_odd_vocab");
    private static TensorArena arena;
    private static Map<String, SafeTensors> fixtures;

    @BeforeAll
    static void load() throws Exception {
        arena = TensorArena.host("fixture");
        fixtures = new LinkedHashMap<>();
        for (String name : FIXTURES) {
            fixtures.put(name, SafeTensors.read(Path.of(GptPyTorchTwinTest.class
                    .getResource("/fixtures/" + name + ".safetensors").toURI()), arena));
        }
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    static Stream<Arguments> fixturesAndBackends() {
        return FIXTURES.stream().flatMap(f -> TestBackends.all().map(b -> Arguments.of(f, b)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("fixturesAndBackends")
    void shouldMatchLogitsLossGradientsAndTenAdamWSteps(String name, Backend backend) {
        SafeTensors fixture = fixtures.get(name);
        Map<String, String> m = fixture.metadata();
        GptConfig cfg = new GptConfig(Integer.parseInt(m.get("V")), Integer.parseInt(m.get("T")),
                Integer.parseInt(m.get("C")), Integer.parseInt(m.get("L")), Integer.parseInt(m.get("NH")));
        int batch = Integer.parseInt(m.get("B"));
        int v = cfg.vocab();
        int vp = cfg.paddedVocab();
        try (Gpt model = new Gpt(backend, cfg, batch, cfg.maxT())) {
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                Tensor expected = fixture.tensor("param." + e.name());
                backend.copyIn(unpadded(model.params().get(e.name()), expected), expected.segment());
            }
            model.setBatch(fixture.tensor("tokens").segment(), fixture.tensor("targets").segment());

            float loss = model.forward();
            assertThat((double) loss).as("loss").isCloseTo(fixture.tensor("loss").get(0),
                    org.assertj.core.data.Offset.offset(2e-5));
            Tensor logits = model.logits();
            assertWithin("logits", columns(logits, vp, v), fixture.tensor("logits"), 1e-4);

            model.zeroGrad();
            model.backward();
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                Tensor expected = fixture.tensor("grad." + e.name());
                Tensor grad = model.grads().get(e.name());
                assertWithin("grad of " + e.name(), unpadded(grad, expected), expected, 2e-4);
                for (long i = expected.numel(); i < grad.numel(); i++) {
                    assertThat(grad.get(i)).as("grad of %s[%d], a padding row", e.name(), i).isZero();
                }
            }

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

    /** The leading rows of ida4j's tensor that PyTorch's holds (all of it but wte's padding rows). */
    private static Tensor unpadded(Tensor ours, Tensor pytorch) {
        return ours.view(ours.name() + " (unpadded)", 0, Math.toIntExact(pytorch.numel()));
    }

    /** The first {@code v} of every row of (rows, vp) {@code t}, as a new host tensor. */
    private static Tensor columns(Tensor t, int vp, int v) {
        long rows = t.numel() / vp;
        Tensor out = arena.allocate(t.name() + " (first " + v + " columns)", DType.F32, Math.toIntExact(rows), v);
        for (long r = 0; r < rows; r++) {
            for (int j = 0; j < v; j++) {
                out.set(r * v + j, t.get(r * vp + j));
            }
        }
        return out;
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
