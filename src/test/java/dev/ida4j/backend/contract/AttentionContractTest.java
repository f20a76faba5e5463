package dev.ida4j.backend.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.GradCheck;
import dev.ida4j.backend.Rand;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Multi-head attention: hand-checked values (scaling, heads, causal offset, key mask, queries that see nothing),
 * gradients in every configuration, and parity with the reference on odd shapes.
 */
class AttentionContractTest {

    /** The backends under test (a subclass for another device shadows this and {@code fastBackends}). */
    static Stream<Named<Backend>> backends() {
        return TestBackends.all();
    }

    /** The backends compared with the reference. */
    static Stream<Named<Backend>> fastBackends() {
        return TestBackends.fast();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldAverageTheVisibleValuesWhenScoresTie(Backend backend) {
        // B 2, Tq 2, Tk 3, NH 2, HS 2: zero queries, so every visible key gets the same weight
        try (TensorArena arena = backend.arena("att")) {
            Tensor q = arena.allocate("q", DType.F32, 2, 2, 4);
            Tensor k = Rand.uniform(arena.allocate("k", DType.F32, 2, 3, 4), new SplittableRandom(1), -1, 1);
            Tensor v = arena.allocate("v", DType.F32, 2, 3, 4);
            for (int i = 0; i < 24; i++) {
                v.set(i, i);
            }
            Tensor mask = arena.allocate("mask", DType.F32, 2, 3).copyFrom(new float[] {1, 1, 1, 1, 0, 1});
            Tensor att = arena.allocate("att", DType.F32, 2, 2, 2, 3);
            Tensor out = arena.allocate("out", DType.F32, 2, 2, 4);
            backend.attentionForward(out, att, q, k, v, mask, 2, 2, 3, 2, 2, true);
            // causal with Tk - Tq = 1: query 0 sees keys 0..1, query 1 sees 0..2; batch 1 also drops key 1
            float h = 0.5f;
            float t = 1 / 3f;
            assertThat(att.toFloatArray()).containsExactly(new float[] {
                    h, h, 0, t, t, t, h, h, 0, t, t, t,
                    1, 0, 0, h, 0, h, 1, 0, 0, h, 0, h}, within(1e-6f));
            assertThat(out.toFloatArray()).containsExactly(new float[] {
                    2, 3, 4, 5, 4, 5, 6, 7,
                    12, 13, 14, 15, 16, 17, 18, 19}, within(1e-5f));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldScaleScoresByTheSquareRootOfTheHeadSizeInEachHead(Backend backend) {
        // B 1, Tq 1, Tk 2, NH 2, HS 4; head 0 scores (4/√4, 0) = (2, 0), head 1 scores (0, 0)
        try (TensorArena arena = backend.arena("att")) {
            Tensor q = arena.allocate("q", DType.F32, 1, 1, 8).copyFrom(new float[] {1, 1, 1, 1, 0, 0, 0, 0});
            Tensor k = arena.allocate("k", DType.F32, 1, 2, 8).copyFrom(new float[] {
                    1, 1, 1, 1, 5, 5, 5, 5,
                    0, 0, 0, 0, -5, -5, -5, -5});
            Tensor v = arena.allocate("v", DType.F32, 1, 2, 8).copyFrom(new float[] {
                    1, 2, 3, 4, 1, 2, 3, 4,
                    5, 6, 7, 8, 5, 6, 7, 8});
            Tensor att = arena.allocate("att", DType.F32, 1, 2, 1, 2);
            Tensor out = arena.allocate("out", DType.F32, 1, 1, 8);
            backend.attentionForward(out, att, q, k, v, null, 1, 1, 2, 2, 4, false);
            float p0 = (float) (Math.exp(2) / (Math.exp(2) + 1));
            float p1 = 1 - p0;
            assertThat(att.toFloatArray()).containsExactly(new float[] {p0, p1, 0.5f, 0.5f}, within(1e-6f));
            assertThat(out.toFloatArray()).containsExactly(new float[] {
                    p0 + 5 * p1, 2 * p0 + 6 * p1, 3 * p0 + 7 * p1, 4 * p0 + 8 * p1, 3, 4, 5, 6}, within(1e-5f));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldGiveZerosAndZeroGradientsToAQueryThatSeesNoKey(Backend backend) {
        // B 2, Tq 3, Tk 2, NH 1, HS 3, causal: query 0 sees no key (0 + 2 - 3 < 0); batch 1 masks every key
        int b = 2;
        int tq = 3;
        int tk = 2;
        int c = 3;
        try (TensorArena arena = backend.arena("att")) {
            SplittableRandom r = new SplittableRandom(3);
            Tensor q = Rand.uniform(arena.allocate("q", DType.F32, b, tq, c), r, -1, 1);
            Tensor k = Rand.uniform(arena.allocate("k", DType.F32, b, tk, c), r, -1, 1);
            Tensor v = Rand.uniform(arena.allocate("v", DType.F32, b, tk, c), r, -1, 1);
            Tensor mask = arena.allocate("mask", DType.F32, b, tk).copyFrom(new float[] {1, 1, 0, 0});
            Tensor att = Rand.uniform(arena.allocate("att", DType.F32, b, 1, tq, tk), r, -1, 1);
            Tensor out = Rand.uniform(arena.allocate("out", DType.F32, b, tq, c), r, -1, 1);
            backend.attentionForward(out, att, q, k, v, mask, b, tq, tk, 1, c, true);
            float[] a = att.toFloatArray();
            float[] o = out.toFloatArray();
            assertThat(new float[] {a[0], a[1], a[3]}).as("batch 0, query 0 and the invisible key 1 of query 1")
                    .containsOnly(0f);
            assertThat(a[2]).isEqualTo(1f);
            assertThat(new float[] {o[0], o[1], o[2]}).as("batch 0, query 0").containsOnly(0f);
            assertThat(Arrays.copyOfRange(a, 6, 12)).as("batch 1 attention").containsOnly(0f);
            assertThat(Arrays.copyOfRange(o, 9, 18)).as("batch 1 output").containsOnly(0f);

            Tensor dout = Rand.uniform(arena.allocate("dout", DType.F32, b, tq, c), r, -1, 1);
            Tensor dq = arena.allocate("dq", DType.F32, b, tq, c);
            Tensor dk = arena.allocate("dk", DType.F32, b, tk, c);
            Tensor dv = arena.allocate("dv", DType.F32, b, tk, c);
            filled(dq, 0.5f);
            filled(dk, 0.5f);
            filled(dv, 0.5f);
            backend.attentionBackward(dq, dk, dv, dout, q, k, v, att, b, tq, tk, 1, c);
            float[] gq = dq.toFloatArray();
            assertThat(Arrays.copyOfRange(gq, 0, 3)).as("dq of batch 0, query 0").containsOnly(0.5f);
            assertThat(Arrays.copyOfRange(gq, 9, 18)).as("dq of batch 1").containsOnly(0.5f);
            assertThat(Arrays.copyOfRange(dk.toFloatArray(), 6, 12)).as("dk of batch 1").containsOnly(0.5f);
            assertThat(Arrays.copyOfRange(dv.toFloatArray(), 6, 12)).as("dv of batch 1").containsOnly(0.5f);
            // query 1 sees only key 0 with probability 1: the scores get no gradient, dv[0] gets dout[1] + dout[2]·a
            assertThat(dv.get(0)).isCloseTo(0.5f + dout.get(3) + dout.get(6) * a[4], within(1e-5f));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldPassTheGradientCheckCausal(Backend backend) {
        gradCheck(backend, 2, 5, 5, 2, 3, true, null);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldPassTheGradientCheckBidirectional(Backend backend) {
        gradCheck(backend, 2, 4, 4, 3, 2, false, null);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldPassTheGradientCheckAcrossAMaskedSetOfKeys(Backend backend) {
        // cross-attention, Tq 3 questions over Tk 6 facts; batch 1 has only two real facts
        gradCheck(backend, 2, 3, 6, 2, 4, false, new float[] {1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0});
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldPassTheGradientCheckWithQueriesThatSeeNothing(Backend backend) {
        // causal with Tq > Tk (the first queries see no key), and batch 1 masks every key
        gradCheck(backend, 2, 5, 3, 2, 3, true, new float[] {1, 0, 1, 0, 0, 0});
    }

    /** Every element set to {@code value} on the host (not through the backend's fill, which is not under test). */
    private static void filled(Tensor t, float value) {
        float[] values = new float[(int) t.numel()];
        Arrays.fill(values, value);
        t.copyFrom(values);
    }

    private static void gradCheck(Backend backend, int b, int tq, int tk, int nh, int hs, boolean causal,
                                  float[] keyMask) {
        int c = nh * hs;
        try (TensorArena arena = backend.arena("att")) {
            SplittableRandom r = new SplittableRandom(tq * 100 + tk);
            Tensor q = Rand.uniform(arena.allocate("q", DType.F32, b, tq, c), r, -1, 1);
            Tensor k = Rand.uniform(arena.allocate("k", DType.F32, b, tk, c), r, -1, 1);
            Tensor v = Rand.uniform(arena.allocate("v", DType.F32, b, tk, c), r, -1, 1);
            Tensor mask = keyMask == null ? null : arena.allocate("mask", DType.F32, b, tk).copyFrom(keyMask);
            Tensor att = arena.allocate("att", DType.F32, b, nh, tq, tk);
            Tensor out = arena.allocate("out", DType.F32, b, tq, c);
            Tensor dout = arena.allocate("dout", DType.F32, b, tq, c);
            Tensor dq = arena.allocate("dq", DType.F32, b, tq, c);
            Tensor dk = arena.allocate("dk", DType.F32, b, tk, c);
            Tensor dv = arena.allocate("dv", DType.F32, b, tk, c);
            GradCheck.of("attention" + (causal ? " causal" : "") + (mask == null ? "" : " masked"),
                            () -> backend.attentionForward(out, att, q, k, v, mask, b, tq, tk, nh, hs, causal),
                            () -> backend.attentionBackward(dq, dk, dv, dout, q, k, v, att, b, tq, tk, nh, hs))
                    .inputs(List.of(q, k, v), List.of(dq, dk, dv))
                    .outputs(List.of(out), List.of(dout))
                    .eps(1e-2)
                    .tolerance(2e-4, 2e-3)
                    .samples(1000)
                    .run();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldGiveZerosToASingleQueryWhoseKeysAreAllMasked(Backend backend) {
        // B 2, Tq 1, Tk 5, NH 2, HS 3 (a decoding step): batch 0 keeps keys 0-1, batch 1 keeps none
        int b = 2;
        int tk = 5;
        int c = 6;
        try (TensorArena arena = backend.arena("att")) {
            SplittableRandom r = new SplittableRandom(5);
            Tensor q = Rand.uniform(arena.allocate("q", DType.F32, b, 1, c), r, -1, 1);
            Tensor k = Rand.uniform(arena.allocate("k", DType.F32, b, tk, c), r, -1, 1);
            Tensor v = Rand.uniform(arena.allocate("v", DType.F32, b, tk, c), r, -1, 1);
            Tensor mask = arena.allocate("mask", DType.F32, b, tk).copyFrom(new float[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0});
            Tensor att = Rand.uniform(arena.allocate("att", DType.F32, b, 2, 1, tk), r, -1, 1);
            Tensor out = Rand.uniform(arena.allocate("out", DType.F32, b, 1, c), r, -1, 1);
            backend.attentionForward(out, att, q, k, v, mask, b, 1, tk, 2, 3, false);
            float[] a = att.toFloatArray();
            float[] o = out.toFloatArray();
            for (int h = 0; h < 2; h++) {
                int row = h * tk;
                assertThat(a[row] + a[row + 1]).as("batch 0, head %d: the kept keys' probabilities", h)
                        .isCloseTo(1f, within(1e-6f));
                assertThat(Arrays.copyOfRange(a, row + 2, row + tk)).as("batch 0, head %d: masked keys", h)
                        .containsOnly(0f);
                for (int d = 0; d < 3; d++) {
                    int at = h * 3 + d;
                    float want = a[row] * v.get(at) + a[row + 1] * v.get(c + at);
                    assertThat(o[at]).as("batch 0 output %d", at).isCloseTo(want, within(1e-6f));
                }
            }
            assertThat(Arrays.copyOfRange(a, 2 * tk, 4 * tk)).as("batch 1 attention").containsOnly(0f);
            assertThat(Arrays.copyOfRange(o, c, 2 * c)).as("batch 1 output").containsOnly(0f);
        }
    }

    @ParameterizedTest
    @MethodSource("fastBackends")
    void shouldMatchTheReferenceOnOddShapes(Backend backend) {
        // B, Tq, Tk, NH, HS, causal (1), key mask (1)
        int[][] shapes = {
                {1, 1, 1, 1, 1, 0, 0}, {2, 7, 7, 3, 5, 1, 0}, {3, 5, 37, 2, 17, 0, 1}, {2, 13, 29, 3, 19, 1, 1},
                {1, 17, 5, 2, 3, 1, 0}, {2, 33, 33, 4, 16, 1, 0}, {2, 20, 70, 2, 33, 0, 1}, {2, 64, 64, 4, 64, 1, 0},
                // one query, as in incremental decoding against a masked cache
                {3, 1, 37, 2, 17, 0, 1}, {4, 1, 70, 4, 32, 0, 1}, {2, 1, 9, 3, 5, 1, 0}, {2, 1, 40, 1, 64, 0, 1},
                {2, 1, 33, 2, 40, 0, 1}, {1, 1, 48, 3, 16, 0, 0}};
        for (int[] s : shapes) {
            parity(backend, s[0], s[1], s[2], s[3], s[4], s[5] == 1, s[6] == 1);
        }
    }

    private static void parity(Backend backend, int b, int tq, int tk, int nh, int hs, boolean causal,
                               boolean masked) {
        int c = nh * hs;
        String shape = "(B, Tq, Tk, NH, HS) = (" + b + ", " + tq + ", " + tk + ", " + nh + ", " + hs + ")"
                + (causal ? " causal" : "") + (masked ? " masked" : "");
        try (Backend ref = TestBackends.reference(); TensorArena arena = backend.arena("att")) {
            SplittableRandom r = new SplittableRandom(b * tq * tk + nh * hs);
            Tensor q = Rand.normal(arena.allocate("q", DType.F32, b, tq, c), r, 1);
            Tensor k = Rand.normal(arena.allocate("k", DType.F32, b, tk, c), r, 1);
            Tensor v = Rand.normal(arena.allocate("v", DType.F32, b, tk, c), r, 1);
            Tensor mask = null;
            if (masked) {
                mask = arena.allocate("mask", DType.F32, b, tk);
                for (int i = 0; i < b * tk; i++) {
                    // batch 0 keeps its first half only (padding); later batches drop keys at random
                    mask.set(i, i < tk ? (i < (tk + 1) / 2 ? 1 : 0) : r.nextInt(3) == 0 ? 0 : 1);
                }
            }
            Tensor att = arena.allocate("att", DType.F32, b, nh, tq, tk);
            Tensor out = arena.allocate("out", DType.F32, b, tq, c);
            Tensor attRef = arena.allocate("attRef", DType.F32, b, nh, tq, tk);
            Tensor outRef = arena.allocate("outRef", DType.F32, b, tq, c);
            backend.attentionForward(out, att, q, k, v, mask, b, tq, tk, nh, hs, causal);
            ref.attentionForward(outRef, attRef, q, k, v, mask, b, tq, tk, nh, hs, causal);
            Rand.assertClose("att " + shape, att, attRef, 1e-6, 1e-5);
            Rand.assertClose("out " + shape, out, outRef, 1e-5, 1e-4);

            Tensor dout = Rand.normal(arena.allocate("dout", DType.F32, b, tq, c), r, 1);
            Tensor[] grads = new Tensor[6];
            for (int g = 0; g < 6; g++) {
                grads[g] = arena.allocate("grad" + g, DType.F32, b, g % 3 == 0 ? tq : tk, c);
                filled(grads[g], g % 3 - 1);
            }
            backend.attentionBackward(grads[0], grads[1], grads[2], dout, q, k, v, att, b, tq, tk, nh, hs);
            ref.attentionBackward(grads[3], grads[4], grads[5], dout, q, k, v, att, b, tq, tk, nh, hs);
            Rand.assertClose("dq " + shape, grads[0], grads[3], 1e-5, 1e-4);
            Rand.assertClose("dk " + shape, grads[1], grads[4], 1e-5, 1e-4);
            Rand.assertClose("dv " + shape, grads[2], grads[5], 1e-5, 1e-4);
            // each gradient alone gives the same values
            backend.attentionBackward(null, grads[1], null, dout, q, k, v, att, b, tq, tk, nh, hs);
            ref.attentionBackward(null, grads[4], null, dout, q, k, v, att, b, tq, tk, nh, hs);
            Rand.assertClose("dk alone " + shape, grads[1], grads[4], 1e-5, 1e-4);
        }
    }
}
