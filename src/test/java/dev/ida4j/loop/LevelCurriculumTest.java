package dev.ida4j.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.task.Task;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The loop draws only the curriculum's levels into X's replay buffer, and every level without the curriculum. */
class LevelCurriculumTest {
    /** The levels of every question in the loop's replay buffer. */
    private static Set<Integer> levelsInBuffer(IdaLoop loop) {
        Task task = loop.task;
        int lq = task.questionLength();
        int questionsAt = 2 + loop.maxFacts * task.factLength();
        int[] data = loop.xBuffer.data();
        Set<Integer> levels = new TreeSet<>();
        for (int r = 0; r < loop.xBuffer.size(); r++) {
            int at = r * loop.xBuffer.recordLength();
            for (int q = 0; q < data[at + 1]; q++) {
                int from = at + questionsAt + q * lq;
                levels.add(task.level(Arrays.copyOfRange(data, from, from + lq)));
            }
        }
        return levels;
    }

    private static Set<Integer> afterTwoSteps(boolean levelCurriculum) {
        LoopConfig cfg = LoopConfig.defaults("permutation-powering", Mode.NOASKER, 4, 2, 0, 5)
                .with("levelCurriculum", levelCurriculum);
        try (Backend backend = Backends.create("cpu", 1);
             IdaLoop loop = new IdaLoop(backend, cfg)) {
            loop.runStep();
            loop.runStep();
            assertThat(loop.curriculum.level()).isEqualTo(levelCurriculum ? 1 : 0);
            return levelsInBuffer(loop);
        }
    }

    @Test
    void shouldDrawOnlyTheFirstLevelUntilItIsLearned() {
        assertThat(afterTwoSteps(true)).containsExactly(1);
        assertThat(afterTwoSteps(false)).containsExactly(1, 2, 3, 4, 5);
    }
}
