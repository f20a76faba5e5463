package dev.ida4j.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** AdamW refuses a step with a non-finite loss or gradient norm, bit for bit; the guard stops a run after K in a row. */
class NonFiniteGuardTest {
    private static final TensorLayout LAYOUT = TensorLayout.builder().add("w", 3, 5).add("b", 7).build();

    private final Backend backend = TestBackends.reference();
    private final TensorArena arena = backend.arena("guard-test");
    private final TensorSet params = arena.allocate("params", LAYOUT);
    private final TensorSet grads = arena.allocate("grads", LAYOUT);
    private final AdamW adam = new AdamW(backend, params, AdamW.Settings.of(1e-2f, 0.1f).withClip(1f));

    @AfterEach
    void close() {
        adam.close();
        arena.close();
        backend.close();
    }

    private void fill(TensorSet set, float base) {
        float[] v = new float[Math.toIntExact(set.all().numel())];
        for (int i = 0; i < v.length; i++) {
            v[i] = base + 0.01f * i - 0.3f * (i % 3);
        }
        set.all().copyFrom(v);
    }

    private int[] bits(TensorSet set) {
        float[] f = set.all().toFloatArray();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToRawIntBits(f[i]);
        }
        return b;
    }

    @Test
    void shouldLeaveParametersAndMomentsBitIdenticalOnANanGradient() {
        fill(params, 0.5f);
        fill(grads, 0.2f);
        assertThat(adam.tryStep(params, grads, 1.25).applied()).isTrue();
        int[] p = bits(params);
        int[] m = bits(adam.m());
        int[] v = bits(adam.v());

        grads.get("b").set(3, Float.NaN);
        AdamW.StepResult r = adam.tryStep(params, grads, 1.25);

        assertThat(r.applied()).isFalse();
        assertThat(r.norm()).isNaN();
        assertThat(bits(params)).isEqualTo(p);
        assertThat(bits(adam.m())).isEqualTo(m);
        assertThat(bits(adam.v())).isEqualTo(v);
        assertThat(adam.steps()).as("a skipped step does not advance bias correction").isEqualTo(1);
    }

    @Test
    void shouldSkipOnANonFiniteLossOrAnInfiniteNorm() {
        fill(params, 0.5f);
        fill(grads, 0.2f);
        int[] p = bits(params);

        assertThat(adam.tryStep(params, grads, Double.POSITIVE_INFINITY).applied()).isFalse();
        assertThat(adam.tryStep(params, grads, Double.NaN).applied()).isFalse();
        grads.get("w").set(0, Float.NEGATIVE_INFINITY);
        AdamW.StepResult r = adam.tryStep(params, grads, 1.0);

        assertThat(r.applied()).isFalse();
        assertThat(r.norm()).isInfinite();
        assertThat(bits(params)).isEqualTo(p);
        assertThat(adam.steps()).isZero();
    }

    @Test
    void shouldApplyAFiniteStepExactlyAsStepDoes() {
        fill(params, 0.5f);
        fill(grads, 0.2f);
        try (TensorArena other = backend.arena("twin")) {
            TensorSet twin = other.allocate("twin", LAYOUT);
            fill(twin, 0.5f);
            try (AdamW plain = new AdamW(backend, twin, adam.settings())) {
                double norm = plain.step(twin, grads);
                AdamW.StepResult r = adam.tryStep(params, grads, 2.0);

                assertThat(r.applied()).isTrue();
                assertThat(r.norm()).isEqualTo(norm).isGreaterThan(0);
                assertThat(bits(params)).isEqualTo(bits(twin));
                assertThat(bits(params)).isNotEqualTo(bits(other.allocate("zero", LAYOUT)));
            }
        }
    }

    @Test
    void shouldThrowOnTheKthSkippedStepInARowNamingStepLossAndNorm() {
        NonFiniteGuard guard = new NonFiniteGuard(3);
        AdamW.StepResult skipped = new AdamW.StepResult(Double.POSITIVE_INFINITY, false);

        assertThat(guard.check(10, Double.NaN, skipped)).isFalse();
        assertThat(guard.check(11, Double.NaN, skipped)).isFalse();
        assertThatThrownBy(() -> guard.check(12, Double.NaN, skipped))
                .isInstanceOfSatisfying(NonFiniteStepsException.class, e -> {
                    assertThat(e.step()).isEqualTo(12);
                    assertThat(e.loss()).isNaN();
                    assertThat(e.norm()).isInfinite();
                })
                .hasMessageContaining("step 12").hasMessageContaining("3 optimizer steps in a row")
                .hasMessageContaining("loss NaN").hasMessageContaining("norm Infinity");
        assertThat(guard.skipped()).isEqualTo(3);
    }

    @Test
    void shouldResetTheCountOnAnAppliedStep() {
        NonFiniteGuard guard = new NonFiniteGuard(2);
        AdamW.StepResult skipped = new AdamW.StepResult(Double.NaN, false);
        AdamW.StepResult applied = new AdamW.StepResult(0.5, true);

        for (long step = 1; step <= 10; step += 2) {
            assertThat(guard.check(step, Double.NaN, skipped)).isFalse();
            assertThat(guard.consecutive()).isEqualTo(1);
            assertThat(guard.check(step + 1, 0.7, applied)).isTrue();
            assertThat(guard.consecutive()).isZero();
        }
        assertThat(guard.skipped()).isEqualTo(5);
        assertThatThrownBy(() -> {
            guard.check(11, Double.NaN, skipped);
            guard.check(12, Double.NaN, skipped);
        }).isInstanceOf(NonFiniteStepsException.class).hasMessageContaining("step 12");
    }

    @Test
    void shouldContinueCountingFromRestoredCounters() {
        NonFiniteGuard guard = new NonFiniteGuard(3);
        guard.restore(2, 9);

        assertThatThrownBy(() -> guard.check(100, Double.NaN, new AdamW.StepResult(Double.NaN, false)))
                .isInstanceOf(NonFiniteStepsException.class);
        assertThat(guard.skipped()).isEqualTo(10);
        assertThatThrownBy(() -> guard.restore(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NonFiniteGuard(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
