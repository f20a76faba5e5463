package dev.ida4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class TensorArenaTest {

    @Test
    void shouldNameTheTensorAndArenaWhenUsedAfterClose() {
        TensorArena arena = TensorArena.host("activations");
        Tensor t = arena.allocate("h.0.ln1", DType.F32, 4, 8);
        Tensor view = t.view("row1", 8, 8);
        arena.close();
        assertThatThrownBy(() -> t.get(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'h.0.ln1'").hasMessageContaining("'activations'").hasMessageContaining("closed");
        assertThatThrownBy(view::segment).hasMessageContaining("'row1'");
        assertThatThrownBy(() -> arena.allocate("late", DType.F32, 1)).hasMessageContaining("'late'");
    }

    @Test
    void shouldGiveBackEveryByteOnClose() {
        long before = TensorArena.liveBytes();
        try (TensorArena arena = TensorArena.host("a")) {
            arena.allocate("x", DType.F32, 1000);
            arena.allocate("set", TensorLayout.builder().add("w", 3, 5).add("b", 7).build());
            assertThat(TensorArena.liveBytes() - before).isEqualTo(4000 + (16 + 16) * 4);
            assertThat(arena.bytes()).isEqualTo(4000 + 32 * 4);
        }
        assertThat(TensorArena.liveBytes()).isEqualTo(before);
    }

    @Test
    void shouldStartZeroedAndReadBackWhatWasWritten() {
        try (TensorArena arena = TensorArena.host("a")) {
            Tensor t = arena.allocate("t", DType.F32, 3, 2);
            assertThat(t.toFloatArray()).containsOnly(0f);
            t.copyFrom(new float[] {1, 2, 3, 4, 5, 6});
            assertThat(t.view("mid", 2, 2, 2).toFloatArray()).containsExactly(3, 4, 5, 6);
            assertThat(t.reshape(6).get(5)).isEqualTo(6f);
            Tensor ids = arena.allocate("ids", DType.I32, 2).copyFrom(new int[] {7, -1});
            assertThat(ids.getInt(1)).isEqualTo(-1);
        }
    }

    @Test
    void shouldRejectViewsOutsideTheTensorAndBadShapes() {
        try (TensorArena arena = TensorArena.host("a")) {
            Tensor t = arena.allocate("weights", DType.F32, 4, 4);
            assertThatThrownBy(() -> t.view("tail", 10, 2, 4)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'tail'").hasMessageContaining("'weights'").hasMessageContaining("[4, 4]");
            assertThatThrownBy(() -> t.reshape(3, 5)).hasMessageContaining("[3, 5]");
            assertThatThrownBy(() -> t.copyFrom(new float[3])).hasMessageContaining("16");
            assertThatThrownBy(() -> arena.allocate("neg", DType.F32, 2, -1)).hasMessageContaining("'neg'");
            assertThatThrownBy(() -> arena.allocate("huge", DType.F32, Integer.MAX_VALUE, Integer.MAX_VALUE,
                    Integer.MAX_VALUE)).isInstanceOf(ArithmeticException.class);
        }
    }

    @Test
    void shouldLayOutTensorsAtAlignedFixedOffsets() {
        TensorLayout layout = TensorLayout.builder().add("wte", 5, 3).add("ln.bias", 3).add("w", 2, 16).build();
        assertThat(layout.entries()).extracting(TensorLayout.Entry::offset).containsExactly(0L, 16L, 32L);
        assertThat(layout.elements()).isEqualTo(64);
        assertThat(layout.tensorElements()).isEqualTo(15 + 3 + 32);
        assertThatThrownBy(() -> TensorLayout.builder().add("x", 1).add("x", 2))
                .hasMessageContaining("duplicate tensor name 'x'");
        try (TensorArena arena = TensorArena.host("p")) {
            TensorSet params = arena.allocate("params", layout);
            TensorSet grads = arena.allocate("grads", layout);
            params.get("ln.bias").set(2, 9f);
            assertThat(params.all().get(18)).isEqualTo(9f);
            assertThat(grads.get("w").segment().address() - grads.all().segment().address()).isEqualTo(32 * 4);
            assertThat(params.all().segment().address() % 64).isZero();
            assertThatThrownBy(() -> params.get("nope")).hasMessageContaining("'nope'");
        }
    }

    @Test
    void shouldCutSetsLargerThanOneTensorCanIndexIntoViewsAndRefuseTheirFlatTensor() {
        // GPT-2 small's activations at batch 8 × 1024 are about 2.5 billion floats: the flat view cannot be one int-
        // indexed tensor, but every tensor of the set still fits. The allocator hands out address space it never
        // touches (nothing reads it), so the test costs no memory.
        TensorLayout layout = TensorLayout.builder().add("logits", 8, 1024, 50257).add("att", 12, 8, 12, 1024, 1024)
                .add("preatt", 12, 8, 12, 1024, 1024).add("tail", 3).build();
        assertThat(layout.elements()).isGreaterThan(Integer.MAX_VALUE);
        try (TensorArena arena = new TensorArena("gpt", new Untouched())) {
            TensorSet acts = arena.allocate("acts", layout);
            long base = acts.get("logits").segment().address();
            Tensor tail = acts.get("tail");
            assertThat(tail.segment().address() - base).isEqualTo(layout.entry("tail").offset() * 4);
            assertThat(tail.segment().byteSize()).isEqualTo(12);
            assertThat(acts.get("att").numel()).isEqualTo(12L * 8 * 12 * 1024 * 1024);
            assertThatThrownBy(acts::all).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("set 'acts' has " + layout.elements() + " elements");
        }
    }

    /** Address space at a fixed fake address, never dereferenced (not host-accessible). */
    private static final class Untouched implements Allocator {
        @Override
        public MemorySegment allocate(long bytes) {
            return MemorySegment.ofAddress(1L << 40).reinterpret(bytes);
        }

        @Override
        public boolean hostAccessible() {
            return false;
        }

        @Override
        public String device() {
            return "untouched";
        }

        @Override
        public void close() {
        }
    }
}
