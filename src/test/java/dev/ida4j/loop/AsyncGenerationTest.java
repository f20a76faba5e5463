package dev.ida4j.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class AsyncGenerationTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldTrainOnBatchesTheWorkerGeneratedAndCountTheirCost(Mode mode) {
        LoopConfig cfg = TrainingRunTest.tiny(mode, 12).with("generationWorkers", 2);
        try (Backend trainer = Backends.create("cpu", 1);
             Backend worker1 = Backends.create("cpu", 1);
             Backend worker2 = Backends.create("cpu", 1);
             IdaLoop loop = new IdaLoop(trainer, cfg)) {
            loop.startAsync(List.of(worker1, worker2));
            for (int i = 0; i < 12; i++) {
                loop.runStep();
            }
            assertThat(loop.step()).isEqualTo(12);
            assertThat(loop.xBuffer.size()).isGreaterThanOrEqualTo(cfg.minBufferContexts());
            // every context in the buffer came in a batch the worker finished, counted once
            assertThat(loop.xBuffer.added()).isEqualTo(loop.generations * cfg.generationContexts());
            // the synchronous ratio, at most one batch behind: the fill, then one batch per stepsPerGeneration steps
            long fill = cfg.minBufferContexts() / cfg.generationContexts();
            assertThat(loop.generations).isGreaterThanOrEqualTo(fill + 11 / cfg.stepsPerGeneration() - 1);
            assertThat(loop.targetQuestions).isPositive();
            assertThat(loop.counters.modelCalls()).isPositive();   // the worker's answering, merged
            assertThat(loop.stats.lossSum).isFinite().isPositive();
            assertThat(loop.overseerCalls()).isEqualTo(switch (mode) {
                case AMPLIFICATION -> loop.askerTraining.calls;
                case NOASKER -> loop.targetQuestions;
                case SUPERVISED -> 0L;
            });
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void shouldHandTheWorkerTheTeachersNewestWeights(int askerLayers) {
        LoopConfig cfg = TrainingRunTest.tiny(Mode.AMPLIFICATION, 4).with("askerLayers", askerLayers);
        try (Backend trainer = Backends.create("cpu", 1);
             Backend worker = Backends.create("cpu", 1);
             IdaLoop loop = new IdaLoop(trainer, cfg);
             AsyncGeneration async = new AsyncGeneration(loop, List.of(worker))) {
            assertThat(loop.asker.config().layers()).isEqualTo(askerLayers);
            for (int i = 0; i < 4; i++) {
                loop.runStep();   // synchronous steps move the teacher and H′ on
            }
            List<AsyncGeneration.Batch> first = async.drain(true);
            assertThat(first).isNotEmpty();
            assertThat(first.getFirst().contexts()).isEqualTo(cfg.generationContexts());
            async.drain(false);
            async.publish();   // the worker takes these before its next batch
            async.drain(true);
            async.drain(true);
            List<Tensor> replicas = async.replicas(0);
            List<Tensor> sources = Models.blocks(loop.teacher);
            sources.addAll(Models.blocks(loop.asker));
            assertThat(replicas).hasSameSizeAs(sources);
            for (int i = 0; i < sources.size(); i++) {
                assertThat(replicas.get(i).segment().mismatch(sources.get(i).segment())).as("block " + i)
                        .isEqualTo(-1);
            }
        }
    }

    @Test
    void shouldRunATrainingRunWithAGenerationWorkerAndRefuseOneWithoutItsBackend() throws IOException {
        LoopConfig cfg = TrainingRunTest.tiny(Mode.NOASKER, 6).with("generationWorkers", 1);
        try (Backend trainer = Backends.create("cpu", 1);
             Backend worker = Backends.create("cpu", 1)) {
            TrainingRun.Summary s = new TrainingRun(trainer, cfg, tmp.resolve("run"),
                    new PrintStream(new ByteArrayOutputStream())).withGenerationBackends(List.of(worker)).run(false);
            assertThat(s.steps()).isEqualTo(6);
            assertThat(Files.readAllLines(tmp.resolve("run/metrics.jsonl"))).isNotEmpty();
            assertThatThrownBy(() -> new TrainingRun(trainer, cfg, tmp.resolve("other"),
                    new PrintStream(new ByteArrayOutputStream())).run(false))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 generation workers need a backend each");
        }
    }
}
