package dev.ida4j.loop;

import dev.ida4j.checkpoint.CheckpointException;
import dev.ida4j.checkpoint.Checkpoints;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Saves and restores everything a run needs to continue exactly as if it had never stopped:
 * {@code model.safetensors} (student, EMA teacher and H′, parameters and BatchNorm statistics),
 * {@code optimizer.safetensors} (Adam moments), {@code replay.safetensors} (both replay buffers, int32), and the
 * counters, cursors and every random generator's state in {@code state.json}.
 */
final class LoopCheckpoint {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private LoopCheckpoint() {
    }

    static Path save(IdaLoop loop, Checkpoints checkpoints, Path runDir) throws CheckpointException {
        // the replay buffers are host data: their staging tensors live in host memory whatever the device
        try (TensorArena arena = TensorArena.host("replay")) {
            return checkpoints.save(runDir, loop.step, files(loop, arena, true), state(loop),
                    loop.cfg.keepCheckpoints());
        }
    }

    /**
     * Restores {@code loop} from the newest committed checkpoint of {@code runDir} that passes every check, saying on
     * {@code say} which damaged ones it passed over; returns the checkpoint used. {@code modelOnly}: only the models
     * (what answering questions needs: a damaged optimizer or replay file does not matter), and the step.
     *
     * @throws NoSuchFileException when the run has no committed checkpoint
     * @throws CheckpointException the newest checkpoint's problem, when none is intact (each one's said first)
     */
    static Path restoreNewestIntact(IdaLoop loop, Checkpoints checkpoints, Path runDir, boolean modelOnly,
                                    Consumer<String> say) throws IOException {
        List<Path> committed = Checkpoints.committed(runDir);
        if (committed.isEmpty()) {
            throw new NoSuchFileException(runDir.toString(), null, "no committed checkpoint in it");
        }
        CheckpointException newest = null;
        for (Path dir : committed.reversed()) {
            try {
                if (modelOnly) {
                    restoreModels(loop, checkpoints, dir);
                } else {
                    restore(loop, checkpoints, dir);
                }
                if (newest != null) {
                    say.accept("using " + dir + " instead (the newest intact checkpoint)");
                }
                return dir;
            } catch (CheckpointException e) {
                say.accept("passing over a damaged checkpoint: " + e.getMessage());
                newest = newest == null ? e : newest;
            }
        }
        throw newest;
    }

    /** The models and the step of the checkpoint in {@code dir}, nothing else. */
    private static void restoreModels(IdaLoop loop, Checkpoints checkpoints, Path dir) throws CheckpointException {
        try (TensorArena arena = TensorArena.host("replay")) {
            Map<String, List<Tensor>> files = files(loop, arena, false);
            JsonNode state = checkpoints.load(dir, Map.of("model", files.get("model")));
            loop.step = state.get("step").asLong();
        }
    }

    /** Restores {@code loop} from {@code dir}; returns the step it continues after. */
    static long restore(IdaLoop loop, Checkpoints checkpoints, Path dir) throws CheckpointException {
        try (TensorArena arena = TensorArena.host("replay")) {
            Map<String, List<Tensor>> files = files(loop, arena, false);
            JsonNode state = checkpoints.load(dir, files);
            List<Tensor> replay = files.get("replay");
            loop.xBuffer.restore(ints(replay.get(0)), state.get("x_buffer_added").asLong());
            if (loop.askerBuffer != null) {
                loop.askerBuffer.restore(ints(replay.get(1)), state.get("asker_buffer_added").asLong());
            }
            restoreState(loop, state);
            return loop.step;
        }
    }

    private static Map<String, List<Tensor>> files(IdaLoop loop, TensorArena arena, boolean fill) {
        List<Tensor> model = new ArrayList<>(Models.named("student", loop.student));
        model.addAll(Models.named("teacher", loop.teacher));
        List<Tensor> optimizer = new ArrayList<>(Models.named("student.adam.m", loop.xOptimizer.m()));
        optimizer.addAll(Models.named("student.adam.v", loop.xOptimizer.v()));
        List<Tensor> replay = new ArrayList<>();
        replay.add(buffer(arena, "replay.x", loop.xBuffer, fill));
        if (loop.asker != null) {
            model.addAll(Models.named("asker", loop.asker));
            optimizer.addAll(Models.named("asker.adam.m", loop.askerOptimizer.m()));
            optimizer.addAll(Models.named("asker.adam.v", loop.askerOptimizer.v()));
            replay.add(buffer(arena, "replay.asker", loop.askerBuffer, fill));
        }
        Map<String, List<Tensor>> files = new LinkedHashMap<>();
        files.put("model", model);
        files.put("optimizer", optimizer);
        files.put("replay", replay);
        return files;
    }

    private static Tensor buffer(TensorArena arena, String name, RecordBuffer b, boolean fill) {
        Tensor t = arena.allocate(name, DType.I32, b.capacity(), b.recordLength());
        if (fill) {
            t.copyFrom(b.data());
        }
        return t;
    }

    private static int[] ints(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getInt(i);
        }
        return out;
    }

    private static ObjectNode state(IdaLoop loop) {
        ObjectNode s = JSON.createObjectNode();
        s.set("config", JSON.valueToTree(loop.cfg));
        s.put("step", loop.step);
        s.put("world_size", loop.replicas.world.size());
        s.put("generations", loop.generations);
        s.put("target_questions", loop.targetQuestions);
        s.put("x_optimizer_steps", loop.xOptimizer.steps());
        s.put("curriculum_size", loop.curriculum.size());
        s.put("curriculum_level", loop.curriculum.level());
        s.put("curriculum_batches", loop.curriculum.batches());
        s.put("curriculum_agreement", loop.curriculum.agreement());
        s.put("guard_consecutive", loop.guard.consecutive());
        s.put("guard_skipped", loop.guard.skipped());
        s.put("x_buffer_added", loop.xBuffer.added());
        ObjectNode rngs = s.putObject("rng");
        rng(rngs, "data", loop.dataRng.state());
        rng(rngs, "answer", loop.answerRng.state());
        rng(rngs, "train", loop.trainRng.state());
        rng(rngs, "noise", loop.noiseRng.state());
        rng(rngs, "eval", loop.evalRng.state());
        rng(rngs, "student_dropout", loop.student.dropoutState());
        if (loop.replicas.shards > 1) {
            // shard 0 draws from data and answer; H's calls have their own streams
            for (int k = 1; k < loop.replicas.shards; k++) {
                rng(rngs, "shard" + k + "_data", loop.shardDataRngs[k].state());
                rng(rngs, "shard" + k + "_answer", loop.shardAnswerRngs[k].state());
            }
            rng(rngs, "call_data", loop.callDataRng.state());
            rng(rngs, "call_answer", loop.callAnswerRng.state());
        }
        if (loop.asker != null) {
            rng(rngs, "asker_dropout", loop.asker.dropoutState());
            AskerTraining a = loop.askerTraining;
            s.put("asker_buffer_added", loop.askerBuffer.added());
            s.put("asker_optimizer_steps", loop.askerOptimizer.steps());
            s.put("asker_budget", a.budget);
            s.put("asker_train_credit", a.trainCredit);
            s.put("asker_calls", a.calls);
            s.put("asker_steps", a.steps);
            if (Double.isNaN(a.freshLoss)) {
                s.putNull("asker_fresh_loss");
            } else {
                s.put("asker_fresh_loss", a.freshLoss);
            }
            s.put("asker_loss_batches", a.lossBatches);
        }
        loop.stats.save(s.putObject("log_sums"));
        ObjectNode c = s.putObject("counters");
        c.put("overseer_decisions", loop.counters.overseerDecisions());
        c.put("model_calls", loop.counters.modelCalls());
        c.put("model_questions", loop.counters.modelQuestions());
        c.put("primitive_answers", loop.counters.primitiveAnswers());
        c.put("rounds", loop.counters.rounds());
        c.put("encoded_contexts", loop.counters.encodedContexts());
        c.put("abstentions", loop.counters.abstentions());
        return s;
    }

    private static void restoreState(IdaLoop loop, JsonNode s) {
        loop.step = s.get("step").asLong();
        loop.generations = s.get("generations").asLong();
        // absent from checkpoints saved before it was counted: those runs count from here
        loop.targetQuestions = s.has("target_questions") ? s.get("target_questions").asLong() : 0;
        loop.xOptimizer.restore(s.get("x_optimizer_steps").asInt());
        // absent from checkpoints saved before the level curriculum: those runs drew every question
        loop.curriculum.restore(s.get("curriculum_size").asInt(),
                s.has("curriculum_level") ? s.get("curriculum_level").asInt() : 0, s.get("curriculum_batches").asInt(),
                s.get("curriculum_agreement").asDouble());
        loop.guard.restore(s.get("guard_consecutive").asInt(), s.get("guard_skipped").asLong());
        JsonNode rngs = s.get("rng");
        loop.dataRng.restore(longs(rngs.get("data")));
        loop.answerRng.restore(longs(rngs.get("answer")));
        loop.trainRng.restore(longs(rngs.get("train")));
        loop.noiseRng.restore(longs(rngs.get("noise")));
        loop.evalRng.restore(longs(rngs.get("eval")));
        loop.student.restoreDropoutState(longs(rngs.get("student_dropout")));
        if (loop.replicas.shards > 1) {
            for (int k = 1; k < loop.replicas.shards; k++) {
                loop.shardDataRngs[k].restore(longs(rngs.get("shard" + k + "_data")));
                loop.shardAnswerRngs[k].restore(longs(rngs.get("shard" + k + "_answer")));
            }
            loop.callDataRng.restore(longs(rngs.get("call_data")));
            loop.callAnswerRng.restore(longs(rngs.get("call_answer")));
        }
        if (loop.asker != null) {
            loop.asker.restoreDropoutState(longs(rngs.get("asker_dropout")));
            AskerTraining a = loop.askerTraining;
            loop.askerOptimizer.restore(s.get("asker_optimizer_steps").asInt());
            a.budget = s.get("asker_budget").asDouble();
            a.trainCredit = s.get("asker_train_credit").asDouble();
            a.calls = s.get("asker_calls").asLong();
            a.steps = s.get("asker_steps").asLong();
            a.freshLoss = s.get("asker_fresh_loss").isNull() ? Double.NaN : s.get("asker_fresh_loss").asDouble();
            a.lossBatches = s.get("asker_loss_batches").asLong();
        }
        loop.stats.restore(s.get("log_sums"));
        JsonNode c = s.get("counters");
        loop.counters.restore(c.get("overseer_decisions").asLong(), c.get("model_calls").asLong(),
                c.get("model_questions").asLong(), c.get("primitive_answers").asLong(), c.get("rounds").asLong(),
                c.get("encoded_contexts").asLong(), c.has("abstentions") ? c.get("abstentions").asLong() : 0);
    }

    private static void rng(ObjectNode into, String name, long[] state) {
        var arr = into.putArray(name);
        for (long v : state) {
            arr.add(v);
        }
    }

    private static long[] longs(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asLong();
        }
        return out;
    }
}
