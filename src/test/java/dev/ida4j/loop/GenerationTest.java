package dev.ida4j.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.amplify.Counters;
import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.model.answerer.Answerer;
import dev.ida4j.model.answerer.AnswererConfig;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A generation batch's records (facts, questions, targets) with the teacher greedy or sampling. Permutation powering
 * under the algorithmic H: the environment's answers are exact, so the teacher's subanswers are the only thing the
 * answer seed can change.
 */
class GenerationTest {
    private static final int SIZE = 6;
    private static final int CONTEXTS = 4;

    @Test
    void shouldGiveTheSameTargetsWhateverTheAnswerSeedWhenTheTeacherIsGreedy() {
        assertThat(records(false, 1)).isEqualTo(records(false, 2));
    }

    @Test
    void shouldDrawTheTeachersAnswersFromTheAnswerSeedWhenItSamples() {
        assertThat(records(true, 1)).isEqualTo(records(true, 1)).isNotEqualTo(records(true, 2));
    }

    @Test
    void shouldAddAPartSentAsBytesAsTheBatchMadeInPlace() {
        try (Fixture f = new Fixture()) {
            Task task = f.task;
            TrainingBatch packer = f.packer;
            Generation generation = f.generation(true);
            Curriculum.Draw draw = Curriculum.Draw.all(SIZE);
            RecordBuffer inPlace = new RecordBuffer(2 * CONTEXTS, packer.recordLength());
            Generation.Result direct = generation.run(inPlace, CONTEXTS, draw, 0, new ScriptOverseer(task), 1,
                    new Rng(7), new Rng(8));
            // the same batch as a rank makes it: its part, to bytes and back, then into another buffer
            GenerationPart part = generation.part(CONTEXTS, draw, 0, new ScriptOverseer(task), 1, new Rng(7),
                    new Rng(8), 0);
            List<GenerationPart> received = GenerationPart.fromBytes(GenerationPart.toBytes(List.of(part)));
            RecordBuffer sent = new RecordBuffer(2 * CONTEXTS, packer.recordLength());
            Generation.Result viaBytes = generation.add(received, sent);

            assertThat(sent.data()).isEqualTo(inPlace.data());
            assertThat(viaBytes.questions()).isEqualTo(direct.questions()).isPositive();
            assertThat(viaBytes.agreement()).isEqualTo(direct.agreement());
            assertThat(viaBytes.judgedAgreement()).isEqualTo(direct.judgedAgreement());
            assertThat(viaBytes.teacher().counts()).usingRecursiveComparison().isEqualTo(direct.teacher().counts());
            assertThat(viaBytes.targets().counts()).usingRecursiveComparison().isEqualTo(direct.targets().counts());
            assertThat(direct.targets().accuracy()).as("H with the teacher's subanswers gets some right").isPositive();
        }
    }

    /** The records of one batch: the same contexts and questions (data seed 7), answers drawn with answerSeed. */
    private static int[] records(boolean sampledTeacher, long answerSeed) {
        try (Fixture f = new Fixture()) {
            RecordBuffer buffer = new RecordBuffer(CONTEXTS, f.packer.recordLength());
            f.generation(sampledTeacher).run(buffer, CONTEXTS, Curriculum.Draw.all(SIZE), 0,
                    new ScriptOverseer(f.task), 1, new Rng(7), new Rng(answerSeed));
            return buffer.data().clone();
        }
    }

    /** Permutation powering's generation with a small untrained teacher (seed 3) on the CPU. */
    private static final class Fixture implements AutoCloseable {
        final Task task = Tasks.byName("permutation-powering");
        final int facts = task.factCount(SIZE);
        final Backend backend = Backends.create("cpu", 1);
        final Answerer teacher = new Answerer(backend, AnswererConfig.small(task.vocabulary().size(),
                task.factLength(), task.questionLength(), task.answerLength()), CONTEXTS, facts, facts);
        final TrainingBatch packer = new TrainingBatch(facts, facts, task.factLength(), task.questionLength(),
                task.answerLength());

        Fixture() {
            teacher.initialize(3);
            teacher.setTraining(false);
        }

        Generation generation(boolean sampledTeacher) {
            Amplifier amplifier = new Amplifier(task, Models.direct(teacher, CONTEXTS), new Counters(), 0);
            return new Generation(task, amplifier, packer, sampledTeacher, true);
        }

        @Override
        public void close() {
            teacher.close();
            backend.close();
        }
    }
}
