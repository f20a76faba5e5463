package dev.ida4j.amplify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.loop.Questions;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import dev.ida4j.task.Vocabulary;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AmplifierTest {
    static List<String> tasks() {
        return List.of("permutation-powering", "sequential-assignments", "wildcard-search", "shortest-path",
                "union-find");
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void shouldAnswerEveryQuestionRightWhenTheModelKnowsTheTruth(String name) {
        Task task = Tasks.byName(name);
        Questions qs = Questions.sample(task, 7, 12, 0, new Rng(5));
        TruthModel model = new TruthModel(task, qs.contexts(), 3);
        Counters counters = new Counters();
        Amplifier amplifier = new Amplifier(task, model, counters, 0);
        List<List<Transcript>> ts = amplifier.amplify(qs.contexts(), qs.questions(), new ScriptOverseer(task), 1,
                new Rng(9), Decoding.SAMPLED);

        int questions = 0;
        for (int c = 0; c < ts.size(); c++) {
            assertThat(ts.get(c)).hasSize(qs.questions().get(c).size());
            for (int i = 0; i < ts.get(c).size(); i++) {
                Transcript t = ts.get(c).get(i);
                assertThat(t.isDone()).isTrue();
                assertThat(task.isCorrect(qs.contexts().get(c), qs.questions().get(c).get(i), t.answer()))
                        .as("%s: %s", name, t.render(task)).isTrue();
                questions++;
            }
        }
        assertThat(model.asked).isNotEmpty().allSatisfy(q -> assertThat(task.isPrimitive(q)).isFalse());
        assertThat(counters.modelQuestions()).isEqualTo(model.asked.size());
        assertThat(counters.encodedContexts()).isEqualTo(7);
        assertThat(model.encodes).as("each chunk of 3 contexts encoded once").isEqualTo(3);
        // one model call per round that had model work: never more calls than rounds
        assertThat(counters.modelCalls()).isPositive().isLessThanOrEqualTo(counters.rounds());
        assertThat(counters.overseerDecisions()).isGreaterThan(questions);
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void shouldStayRightAtDepthTwoWithMoreDecisions(String name) {
        Task task = Tasks.byName(name);
        Questions qs = Questions.sample(task, 4, 10, 0, new Rng(6));
        Counters one = new Counters();
        Counters two = new Counters();
        List<List<Transcript>> d1 = new Amplifier(task, new TruthModel(task, qs.contexts(), 4), one, 0)
                .amplify(qs.contexts(), qs.questions(), new ScriptOverseer(task), 1, new Rng(1), Decoding.SAMPLED);
        List<List<Transcript>> d2 = new Amplifier(task, new TruthModel(task, qs.contexts(), 4), two, 0)
                .amplify(qs.contexts(), qs.questions(), new ScriptOverseer(task), 2, new Rng(1), Decoding.SAMPLED);
        for (int c = 0; c < qs.contexts().size(); c++) {
            for (int i = 0; i < qs.questions().get(c).size(); i++) {
                assertThat(task.isCorrect(qs.contexts().get(c), qs.questions().get(c).get(i),
                        d2.get(c).get(i).answer())).isTrue();
            }
        }
        assertThat(d1).hasSameSizeAs(d2);
        assertThat(two.overseerDecisions()).isGreaterThan(one.overseerDecisions());
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void shouldSampleOnlyASubquestionItsTranscriptAskedBeforeUnderFreshRepeats(String name) {
        Task task = Tasks.byName(name);
        Questions qs = Questions.sample(task, 6, 12, 0, new Rng(3));
        TruthModel model = new TruthModel(task, qs.contexts(), 6);
        model.zerosWhenSampled = true;
        List<List<Transcript>> ts = new Amplifier(task, model, new Counters(), 0).amplify(qs.contexts(),
                qs.questions(), new ScriptOverseer(task), 1, new Rng(4), Decoding.GREEDY_FRESH_REPEATS);
        int repeats = 0;
        int firsts = 0;
        for (List<Transcript> list : ts) {
            for (Transcript t : list) {
                for (int i = 0; i < t.asked(); i++) {
                    int[] sq = t.subquestion(i);
                    if (Vocabulary.isBlank(sq) || task.isPrimitive(sq)) {
                        continue;
                    }
                    boolean repeat = askedBefore(t, i);
                    int[] zeros = new int[task.answerLength()];
                    if (repeat) {
                        repeats++;
                        assertThat(t.subanswer(i)).as("%s, a repeated ask: %s", name, t.render(task)).isEqualTo(zeros);
                    } else {
                        firsts++;
                        assertThat(t.subanswer(i)).as("%s, a first ask: %s", name, t.render(task)).isNotEqualTo(zeros);
                    }
                }
            }
        }
        assertThat(firsts).isPositive();
        // H asks a proposal twice in shortest path's and union-find's "propose, verify, keep the best" steps
        if (name.equals("shortest-path") || name.equals("union-find")) {
            assertThat(repeats).isPositive();
        }
    }

    /** Whether the transcript's i-th subquestion was asked before in it. */
    private static boolean askedBefore(Transcript t, int i) {
        for (int j = 0; j < i; j++) {
            if (Arrays.equals(t.subquestion(j), t.subquestion(i))) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void shouldTurnSubanswersTheModelIsUnsureOfIntoQuestionMarksButNotItsProposalsOrDirectAnswers(String name) {
        Task task = Tasks.byName(name);
        Questions qs = Questions.sample(task, 6, 12, 0, new Rng(3));
        TruthModel model = new TruthModel(task, qs.contexts(), 6);
        model.confidence = 0.5;
        Counters sure = new Counters();
        List<List<Transcript>> kept = new Amplifier(task, model, sure, 0, 0.4).amplify(qs.contexts(), qs.questions(),
                new ScriptOverseer(task), 1, new Rng(4), Decoding.GREEDY_FRESH_REPEATS);
        Counters unsure = new Counters();
        Amplifier abstaining = new Amplifier(task, model, unsure, 0, 0.6);
        List<List<Transcript>> ts = abstaining.amplify(qs.contexts(), qs.questions(), new ScriptOverseer(task), 1,
                new Rng(4), Decoding.GREEDY_FRESH_REPEATS);
        assertThat(sure.abstentions()).as("above the threshold").isZero();
        long firsts = 0;
        long repeats = 0;
        for (int c = 0; c < ts.size(); c++) {
            for (int q = 0; q < ts.get(c).size(); q++) {
                assertThat(task.isCorrect(qs.contexts().get(c), qs.questions().get(c).get(q),
                        kept.get(c).get(q).answer())).isTrue();
                Transcript t = ts.get(c).get(q);
                boolean abstained = false;
                boolean repeated = false;
                for (int i = 0; i < t.asked(); i++) {
                    int[] sq = t.subquestion(i);
                    if (Vocabulary.isBlank(sq) || task.isPrimitive(sq)) {
                        continue;
                    }
                    if (askedBefore(t, i)) {
                        repeats++;
                        repeated = true;
                        assertThat(t.subanswer(i)).as("a proposal: %s", t.render(task))
                                .isEqualTo(task.truth(qs.contexts().get(c), sq));
                    } else {
                        firsts++;
                        abstained = true;
                        assertThat(Vocabulary.isBlank(t.subanswer(i))).as("%s", t.render(task)).isTrue();
                    }
                }
                if (abstained && !repeated) {
                    assertThat(Vocabulary.isBlank(t.answer())).as("built on an unknown: %s", t.render(task))
                            .isTrue();
                }
            }
        }
        assertThat(unsure.abstentions()).isEqualTo(firsts).isPositive();
        if (name.equals("shortest-path") || name.equals("union-find")) {
            assertThat(repeats).isPositive();
        }
        List<List<int[]>> direct = abstaining.answerDirectly(qs.contexts(), qs.questions(), null);
        List<List<int[]>> truth = qs.truth(task);
        for (int c = 0; c < truth.size(); c++) {
            assertThat(direct.get(c)).as("direct answers never abstain").containsExactlyElementsOf(truth.get(c));
        }
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void shouldGoWrongSometimesWhenEverySubanswerIsCorrupted(String name) {
        Task task = Tasks.byName(name);
        Questions qs = Questions.sample(task, 5, 12, 0, new Rng(8));
        List<List<Transcript>> ts = new Amplifier(task, new TruthModel(task, qs.contexts(), 5), new Counters(), 1)
                .amplify(qs.contexts(), qs.questions(), new ScriptOverseer(task), 1, new Rng(2), Decoding.SAMPLED);
        long wrong = 0;
        for (int c = 0; c < qs.contexts().size(); c++) {
            for (int i = 0; i < qs.questions().get(c).size(); i++) {
                wrong += task.isCorrect(qs.contexts().get(c), qs.questions().get(c).get(i),
                        ts.get(c).get(i).answer()) ? 0 : 1;
            }
        }
        assertThat(wrong).isPositive();
    }
}
