package dev.ida4j.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.OpaqueMemory;
import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.model.gpt.Gpt;
import dev.ida4j.model.gpt.GptConfig;
import dev.ida4j.optim.AdamW;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.TensorArena;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models and the loop never touch tensor memory from the host except through the backend's copies, so they run
 * on a device backend: checked on {@link OpaqueMemory}, CPU memory that refuses host access as GPU memory does.
 */
class DeviceMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRefuseHostAccessOnOpaqueArenas() {
        try (Backend backend = OpaqueMemory.of(new CpuBackend(1)); TensorArena arena = backend.arena("x")) {
            assertThatThrownBy(() -> arena.allocate("t", DType.F32, 2).get(0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("copy it to the host");
        }
    }

    @Test
    void shouldTrainTheGptThroughCopiesOnly() {
        GptConfig cfg = new GptConfig(31, 8, 16, 1, 2);
        try (Backend backend = OpaqueMemory.of(new CpuBackend(1)); Gpt model = new Gpt(backend, cfg, 2, 8);
             AdamW opt = new AdamW(backend, model.params(), AdamW.Settings.of(1e-3f, 0.1f));
             Arena host = Arena.ofConfined()) {
            model.initialize(1);
            MemorySegment ids = host.allocate(ValueLayout.JAVA_INT, 16);
            for (int i = 0; i < 16; i++) {
                ids.setAtIndex(ValueLayout.JAVA_INT, i, i % cfg.vocab());
            }
            model.setBatch(ids, ids);
            assertThat(model.trainStep(opt)).isFinite();
        }
    }

    @Test
    void shouldRunResumeAndEvaluateTheAmplificationLoopThroughCopiesOnly() throws IOException {
        LoopConfig cfg = TrainingRunTest.tiny(Mode.AMPLIFICATION, 4);
        Path dir = tmp.resolve("run");
        try (Backend backend = OpaqueMemory.of(new CpuBackend(1))) {
            new TrainingRun(backend, cfg, dir, new PrintStream(new ByteArrayOutputStream())).run(false);
        }
        LoopConfig longer = cfg.with("steps", 6);
        try (Backend backend = OpaqueMemory.of(new CpuBackend(1))) {
            TrainingRun.Summary s = new TrainingRun(backend, longer, dir, new PrintStream(new ByteArrayOutputStream()))
                    .run(true);
            assertThat(s.steps()).isEqualTo(6);
        }
        // what eval does: restore the newest checkpoint, then answer fresh questions with each model
        try (Backend backend = OpaqueMemory.of(new CpuBackend(1)); IdaLoop loop = new IdaLoop(backend, longer)) {
            loop.restoreModels(backend, dir, warning -> { });
            Questions qs = Questions.sample(loop.task(), 2, 4, 0, new Rng(5));
            for (String model : List.of("teacher", "student", "amplified")) {
                assertThat(loop.answers(model, qs)).as(model).hasSize(2);
            }
        }
    }

    @Test
    void shouldGenerateAsynchronouslyOnDeviceBackendsThroughCopiesOnly() throws IOException {
        LoopConfig cfg = TrainingRunTest.tiny(Mode.NOASKER, 4).with("generationWorkers", 2);
        try (Backend trainer = OpaqueMemory.of(new CpuBackend(1)); Backend worker1 = OpaqueMemory.of(new CpuBackend(1));
             Backend worker2 = OpaqueMemory.of(new CpuBackend(1))) {
            TrainingRun.Summary s = new TrainingRun(trainer, cfg, tmp.resolve("async"),
                    new PrintStream(new ByteArrayOutputStream())).withGenerationBackends(List.of(worker1, worker2))
                    .run(false);
            assertThat(s.steps()).isEqualTo(4);
        }
    }
}
