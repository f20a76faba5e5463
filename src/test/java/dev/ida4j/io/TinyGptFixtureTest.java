package dev.ida4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed PyTorch reference case (benchmarks/pytorch/tiny_gpt.py fixture) loads through the strict reader
 * and holds what the model tests will compare against: every tensor, with the shapes the configuration implies.
 */
class TinyGptFixtureTest {
    static final String RESOURCE = "/fixtures/tiny_gpt_small.safetensors";

    private static TensorArena arena;
    private static SafeTensors fixture;
    private static int V;
    private static int T;
    private static int B;
    private static int C;
    private static int L;

    @BeforeAll
    static void load() throws Exception {
        arena = TensorArena.host("fixture");
        fixture = SafeTensors.read(path(), arena);
        Map<String, String> m = fixture.metadata();
        V = Integer.parseInt(m.get("V"));
        T = Integer.parseInt(m.get("T"));
        B = Integer.parseInt(m.get("B"));
        C = Integer.parseInt(m.get("C"));
        L = Integer.parseInt(m.get("L"));
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    static Path path() throws URISyntaxException {
        return Path.of(TinyGptFixtureTest.class.getResource(RESOURCE).toURI());
    }

    /** The model's parameters, in the order the Java model and torch's named_parameters() list them. */
    static Map<String, int[]> parameterShapes(int V, int T, int C, int L) {
        Map<String, int[]> p = new LinkedHashMap<>();
        p.put("wte", new int[] {V, C});
        p.put("wpe", new int[] {T, C});
        for (int l = 0; l < L; l++) {
            String h = "h." + l + ".";
            p.put(h + "ln1.weight", new int[] {C});
            p.put(h + "ln1.bias", new int[] {C});
            p.put(h + "attn.qkv.weight", new int[] {3 * C, C});
            p.put(h + "attn.qkv.bias", new int[] {3 * C});
            p.put(h + "attn.proj.weight", new int[] {C, C});
            p.put(h + "attn.proj.bias", new int[] {C});
            p.put(h + "ln2.weight", new int[] {C});
            p.put(h + "ln2.bias", new int[] {C});
            p.put(h + "mlp.fc.weight", new int[] {4 * C, C});
            p.put(h + "mlp.fc.bias", new int[] {4 * C});
            p.put(h + "mlp.proj.weight", new int[] {C, 4 * C});
            p.put(h + "mlp.proj.bias", new int[] {C});
        }
        p.put("lnf.weight", new int[] {C});
        p.put("lnf.bias", new int[] {C});
        return p;
    }

    @Test
    void shouldDescribeTheSmallConfiguration() {
        assertThat(fixture.metadata()).containsEntry("V", "256").containsEntry("T", "16").containsEntry("B", "4")
                .containsEntry("C", "32").containsEntry("L", "2").containsEntry("NH", "4").containsKey("torch");
    }

    @Test
    void shouldHoldExactlyTheExpectedTensorsWithTheirShapes() {
        Map<String, int[]> params = parameterShapes(V, T, C, L);
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("tokens", new int[] {B, T});
        expected.put("targets", new int[] {B, T});
        params.forEach((n, s) -> expected.put("param." + n, s));
        expected.put("logits", new int[] {B, T, V});
        expected.put("loss", new int[] {1});
        params.forEach((n, s) -> expected.put("grad." + n, s));
        expected.put("losses", new int[] {10});

        assertThat(fixture.tensors().keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, shape) -> {
            Tensor t = fixture.tensor(name);
            assertThat(t.shape()).as(name).containsExactly(shape);
            assertThat(t.dtype()).as(name).isEqualTo(name.equals("tokens") || name.equals("targets") ? DType.I32 : DType.F32);
        });
    }

    @Test
    void shouldHaveTargetsThatAreTheTokensShiftedByOne() {
        int[] tokens = fixture.tensor("tokens").toIntArray(); // (B, T)
        int[] targets = fixture.tensor("targets").toIntArray(); // (B, T)
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                assertThat(tokens[b * T + t]).isBetween(0, V - 1);
                assertThat(targets[b * T + t]).isBetween(0, V - 1);
                if (t + 1 < T) {
                    assertThat(targets[b * T + t]).isEqualTo(tokens[b * T + t + 1]);
                }
            }
        }
    }

    @Test
    void shouldStartTheLossCurveAtTheLossAndDescend() {
        float loss = fixture.tensor("loss").get(0);
        float[] losses = fixture.tensor("losses").toFloatArray();

        assertThat(losses[0]).isEqualTo(loss);
        // Random initial logits are near uniform: the loss starts near ln V.
        assertThat((double) loss).isCloseTo(Math.log(V), org.assertj.core.data.Offset.offset(0.1));
        List<Float> curve = new ArrayList<>();
        for (float l : losses) {
            curve.add(l);
        }
        assertThat(curve).isSortedAccordingTo((a, b) -> Float.compare(b, a)).doesNotHaveDuplicates();
    }
}
