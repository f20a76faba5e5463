package dev.ida4j.checkpoint;

import dev.ida4j.random.Rng;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a training loop checkpoints, in small: student and teacher parameter sets and an I32 tensor in "model",
 * AdamW moments in "optimizer", and a state tree with a config, an RNG state and cursors. Values carry awkward bits
 * (−0, NaN payloads, infinities, subnormals) so a round trip proves bit-exactness.
 */
final class Fixture implements AutoCloseable {
    static final TensorLayout LAYOUT = TensorLayout.builder().add("w", 3, 5).add("b", 7).build();
    static final JsonMapper JSON = JsonMapper.builder().build();

    final TensorArena arena;
    final TensorSet student;
    final TensorSet teacher;
    final Tensor ids;
    final TensorSet m;
    final TensorSet v;

    Fixture(String name) {
        arena = TensorArena.host(name);
        student = arena.allocate("student", LAYOUT);
        teacher = arena.allocate("teacher", LAYOUT);
        ids = arena.allocate("data.ids", DType.I32, 4);
        m = arena.allocate("adamw.m", LAYOUT);
        v = arena.allocate("adamw.v", LAYOUT);
    }

    /** Fills every tensor with values that depend on {@code seed}. */
    Fixture randomize(long seed) {
        Rng rng = new Rng(seed);
        for (TensorSet set : List.of(student, teacher, m, v)) {
            for (Tensor t : set.tensors()) {
                for (long i = 0; i < t.numel(); i++) {
                    t.set(i, (float) rng.nextGaussian());
                }
            }
        }
        student.get("w").set(0, -0f);
        student.get("w").set(1, Float.intBitsToFloat(0x7fc00123)); // a NaN with a payload
        student.get("b").set(2, Float.NEGATIVE_INFINITY);
        teacher.get("b").set(0, Float.MIN_VALUE);
        ids.copyFrom(new int[] {rng.nextInt(), -1, Integer.MIN_VALUE, 42});
        return this;
    }

    /** The checkpoint's files: every tensor by its own name. */
    Map<String, List<Tensor>> files() {
        Map<String, List<Tensor>> files = new LinkedHashMap<>();
        List<Tensor> model = new ArrayList<>(student.tensors());
        model.addAll(teacher.tensors());
        model.add(ids);
        files.put("model", model);
        List<Tensor> optimizer = new ArrayList<>(m.tensors());
        optimizer.addAll(v.tensors());
        files.put("optimizer", optimizer);
        return files;
    }

    /** Raw bits of every tensor, in {@link #files()} order. */
    List<Integer> bits() {
        List<Integer> bits = new ArrayList<>();
        for (List<Tensor> file : files().values()) {
            for (Tensor t : file) {
                for (long i = 0; i < t.numel(); i++) {
                    bits.add(t.getInt(i));
                }
            }
        }
        return bits;
    }

    static ObjectNode state(long step, Rng rng) {
        ObjectNode state = JSON.createObjectNode();
        state.putObject("config").put("lr", 3e-4).put("horizon", 1000).put("name", "tiny \"gpt\" é");
        var words = state.putArray("rng");
        for (long w : rng.state()) {
            words.add(w);
        }
        state.put("data_cursor", step * 64);
        state.put("skipped_steps", 2);
        return state;
    }

    @Override
    public void close() {
        arena.close();
    }
}
