package dev.ida4j.amplify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.loop.Models;
import dev.ida4j.loop.Questions;
import dev.ida4j.model.answerer.Answerer;
import dev.ida4j.model.answerer.AnswererConfig;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batched amplifier (all subquestions of a round in one call, each context encoded once) and the naive one
 * (one forward pass and one encoding per subquestion) must produce the same transcripts with a real X under greedy
 * decoding, at depth 1 and 2.
 */
class BatchedEqualsOneAtATimeTest {

    @ParameterizedTest
    @ValueSource(strings = {"permutation-powering", "sequential-assignments", "wildcard-search", "shortest-path",
            "union-find"})
    void shouldProduceTheSameTranscriptsBatchedAndOneAtATime(String name) {
        Task task = Tasks.byName(name);
        int contexts = 3;
        Questions qs = Questions.sample(task, contexts, 7, 0, new Rng(4));
        int facts = task.factCount(7);
        AnswererConfig cfg = AnswererConfig.small(task.vocabulary().size(), task.factLength(),
                task.questionLength(), task.answerLength());
        try (Backend backend = Backends.create("cpu", 1);
             Answerer x = new Answerer(backend, cfg, contexts, facts, facts)) {
            x.initialize(3);
            DirectModel batched = Models.direct(x, contexts);
            DirectModel single = new OneAtATime(batched, task.factLength(), task.questionLength(),
                    task.answerLength());
            for (int depth = 1; depth <= 2; depth++) {
                Counters fast = new Counters();
                Counters slow = new Counters();
                List<List<Transcript>> a = new Amplifier(task, batched, fast, 0).amplify(qs.contexts(),
                        qs.questions(), new ScriptOverseer(task), depth, new Rng(8), Decoding.GREEDY);
                List<List<Transcript>> b = new Amplifier(task, single, slow, 0).amplify(qs.contexts(),
                        qs.questions(), new ScriptOverseer(task), depth, new Rng(8), Decoding.GREEDY);
                for (int c = 0; c < contexts; c++) {
                    for (int i = 0; i < a.get(c).size(); i++) {
                        assertThat(a.get(c).get(i).render(task)).as("%s depth %d context %d question %d", name,
                                depth, c, i).isEqualTo(b.get(c).get(i).render(task));
                    }
                }
                assertThat(fast.modelQuestions()).isEqualTo(slow.modelQuestions()).isPositive();
            }
        }
    }
}
