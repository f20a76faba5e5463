package dev.ida4j.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.random.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What every built-in task guarantees: H with true subanswers is always right, text round trips, size checks. */
class TaskContractTest {
    private static final int QUESTIONS = 10_000;
    private static final int PER_CONTEXT = 10;
    private static final List<String> BUILT_IN = List.of("permutation-powering", "sequential-assignments",
            "wildcard-search", "shortest-path", "union-find");
    private static final Map<String, String> CLASSES = Map.of(
            "permutation-powering", "bits[2-6]",
            "sequential-assignments", "depth\\d+",
            "wildcard-search", "wilds[1-6]",
            "shortest-path", "(dist|next)(1|2|3-4|5-8|9-12|inf)",
            "union-find", "(value|parent|depth)\\d+");

    static Stream<Arguments> tasksAndSizes() {
        return BUILT_IN.stream().flatMap(name -> IntStream.of(2, 3, 8, 16, 64).mapToObj(size -> Arguments.of(name, size)));
    }

    /** Runs H on a batch of transcripts, answering primitives from the environment and the rest from the truth. */
    private static void answerWithTrueSubanswers(Task task, Context context, List<Transcript> batch, Rng rng,
                                                 List<int[]> subquestions, List<int[]> subanswers) {
        ScriptOverseer h = new ScriptOverseer(task);
        List<Transcript> open = new ArrayList<>(batch);
        Action[] out = new Action[open.size()];
        while (!open.isEmpty()) {
            h.next(open, out);
            for (int i = 0; i < open.size(); i++) {
                Transcript t = open.get(i);
                t.apply(out[i]);
                if (out[i] instanceof Action.Ask(int[] sq)) {
                    int[] sa = task.isPrimitive(sq) ? task.answerPrimitive(context, sq, rng) : task.truth(context, sq);
                    t.reply(sa);
                    subquestions.add(sq);
                    subanswers.add(sa);
                }
            }
            open.removeIf(Transcript::isDone);
        }
    }

    @ParameterizedTest(name = "{0} size {1}")
    @MethodSource("tasksAndSizes")
    void shouldAnswerEverySampledQuestionCorrectlyFromTrueSubanswers(String name, int size) {
        Task task = Tasks.byName(name);
        Rng rng = new Rng(name.hashCode() * 131L + size);
        int correct = 0;
        int withAsks = 0;
        int maxAsks = 0;
        int questions = 0;
        while (questions < QUESTIONS) {
            Context context = task.sampleContext(size, rng);
            assertThat(context.size()).isEqualTo(size);
            assertThat(context.factCount()).isBetween(1, task.factCount(size));
            List<Transcript> batch = new ArrayList<>();
            for (int i = 0; i < PER_CONTEXT; i++) {
                int[] q = task.sampleQuestion(context, rng);
                assertThat(q).hasSize(task.questionLength());
                assertThat(task.isPrimitive(q)).as("primitive top-level question %s", task.questionText(q)).isFalse();
                assertThat(task.isCorrect(context, q, task.truth(context, q))).isTrue();
                assertThat(task.questionClass(context, q)).matches(CLASSES.get(name));
                batch.add(new Transcript(q, task.slots()));
            }
            answerWithTrueSubanswers(task, context, batch, rng, new ArrayList<>(), new ArrayList<>());
            for (Transcript t : batch) {
                correct += task.isCorrect(context, t.question(), t.answer()) ? 1 : 0;
                withAsks += t.asked() > 0 ? 1 : 0;
                maxAsks = Math.max(maxAsks, t.asked());
                questions++;
            }
        }
        assertThat(correct).isEqualTo(QUESTIONS);
        assertThat(withAsks).isEqualTo(QUESTIONS);
        assertThat(maxAsks).isBetween(1, task.slots());
    }

    @ParameterizedTest
    @ValueSource(strings = {"permutation-powering", "sequential-assignments", "wildcard-search", "shortest-path",
            "union-find"})
    void shouldRoundTripTheTextOfEveryQuestionAndAnswerItProduces(String name) {
        Task task = Tasks.byName(name);
        Rng rng = new Rng(5);
        for (int round = 0; round < 200; round++) {
            Context context = task.sampleContext(2 + rng.nextInt(63), rng);
            for (int i = 0; i < context.factCount(); i++) {
                assertThat(task.factText(context.fact(i))).doesNotStartWith("[").isNotEqualTo("?");
            }
            List<int[]> questions = new ArrayList<>();
            List<int[]> answers = new ArrayList<>();
            List<Transcript> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int[] q = task.sampleQuestion(context, rng);
                batch.add(new Transcript(q, task.slots()));
                questions.add(q);
                answers.add(task.truth(context, q));
                answers.add(task.randomAnswer(q, rng));
            }
            answerWithTrueSubanswers(task, context, batch, rng, questions, answers);
            for (int[] q : questions) {
                assertThat(task.questionText(q)).doesNotStartWith("[").isNotEqualTo("?");
                assertThat(task.parseQuestion(task.questionText(q))).as(task.questionText(q)).isEqualTo(q);
            }
            for (int[] a : answers) {
                assertThat(a).hasSize(task.answerLength());
                assertThat(task.parseAnswer(task.answerText(a))).as(task.answerText(a)).isEqualTo(a);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"permutation-powering", "sequential-assignments", "wildcard-search", "shortest-path",
            "union-find"})
    void shouldTreatBlanksAsQuestionMarksAndRenderMalformedTokensRaw(String name) {
        Task task = Tasks.byName(name);
        assertThat(task.vocabulary().text(0)).isEqualTo("?");
        assertThat(task.questionText(new int[task.questionLength()])).isEqualTo("?");
        assertThat(task.parseQuestion("?")).isEqualTo(new int[task.questionLength()]);
        assertThat(task.answerText(new int[task.answerLength()])).isEqualTo("?");
        assertThat(task.parseAnswer("?")).isEqualTo(new int[task.answerLength()]);
        assertThat(task.factText(new int[task.factLength()])).isEqualTo("?");
        int[] junk = new int[task.questionLength()];
        junk[junk.length - 1] = 999;
        assertThat(task.questionText(junk)).startsWith("[").endsWith("#999]");
        assertThat(task.isPrimitive(junk)).isFalse();
        assertThatThrownBy(() -> task.questionClass(task.sampleContext(4, new Rng(1)), junk))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#999");
        Rng rng = new Rng(2);
        Context context = task.sampleContext(8, rng);
        int[] q = task.sampleQuestion(context, rng);
        assertThat(task.isCorrect(context, q, new int[task.answerLength()])).as("? is always wrong").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"permutation-powering", "sequential-assignments", "wildcard-search", "shortest-path",
            "union-find"})
    void shouldRefuseBadTextNamingIt(String name) {
        Task task = Tasks.byName(name);
        assertThatThrownBy(() -> task.parseQuestion("what is this"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'what is this'");
        assertThatThrownBy(() -> task.parseAnswer("zz!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'zz!'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"permutation-powering", "sequential-assignments", "wildcard-search", "shortest-path",
            "union-find"})
    void shouldRefuseSizesOutside2To64NamingTheSize(String name) {
        Task task = Tasks.byName(name);
        for (int size : new int[] {1, 65}) {
            assertThatThrownBy(() -> task.sampleContext(size, new Rng(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(name + ": size " + size + " is outside 2..64");
            assertThatThrownBy(() -> task.factCount(size)).hasMessageContaining("size " + size);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"permutation-powering", "sequential-assignments", "wildcard-search", "shortest-path",
            "union-find"})
    void shouldDrawTheSameContextsAndQuestionsFromTheSameSeed(String name) {
        Task task = Tasks.byName(name);
        Rng a = new Rng(77);
        Rng b = new Rng(77);
        Context ca = task.sampleContext(16, a);
        Context cb = task.sampleContext(16, b);
        assertThat(ca.factCount()).isEqualTo(cb.factCount());
        for (int i = 0; i < ca.factCount(); i++) {
            assertThat(ca.fact(i)).isEqualTo(cb.fact(i)).hasSize(task.factLength());
        }
        assertThat(task.sampleQuestion(ca, a)).isEqualTo(task.sampleQuestion(cb, b));
    }

    /** How deep H's decomposition of {@code q} goes with true subanswers: 1 when it asks only primitives. */
    private static int decompositionDepth(Task task, Context context, int[] q, Rng rng) {
        int[] below = {0};
        task.overseer().answer(q, sq -> {
            if (task.isPrimitive(sq)) {
                return task.answerPrimitive(context, sq, rng);
            }
            below[0] = Math.max(below[0], decompositionDepth(task, context, sq, rng));
            return task.truth(context, sq);
        });
        return 1 + below[0];
    }

    @ParameterizedTest
    @ValueSource(strings = {"permutation-powering", "sequential-assignments", "wildcard-search", "shortest-path",
            "union-find"})
    void shouldShowALevelOnlyWhereItIsTheDepthOfHsDecomposition(String name) {
        Task task = Tasks.byName(name);
        Rng rng = new Rng(name.hashCode());
        int[] seen = new int[task.levels() + 1];
        for (int round = 0; round < 200; round++) {
            Context context = task.sampleContext(2 + rng.nextInt(63), rng);
            for (int i = 0; i < 10; i++) {
                int[] q = task.sampleQuestion(context, rng);
                int level = task.level(q);
                if (task.levels() == 0) {
                    assertThat(level).as("a task without levels shows none").isZero();
                } else {
                    assertThat(level).as("%s", task.questionText(q))
                            .isEqualTo(decompositionDepth(task, context, q, rng)).isBetween(1, task.levels());
                    seen[level]++;
                }
            }
        }
        for (int level = 1; level <= task.levels(); level++) {
            assertThat(seen[level]).as("questions of level %d drawn", level).isPositive();
        }
        assertThat(task.level(new int[task.questionLength()])).as("the blank question").isZero();
    }

    /** The difficulty a question's class names: its depth plus one, or its distance (3 for 3 and beyond). */
    private static boolean inClass(String questionClass, int difficulty) {
        if (questionClass.startsWith("dist") || questionClass.startsWith("next")) {
            String distance = questionClass.substring(4);
            return difficulty == (distance.equals("1") ? 1 : distance.equals("2") ? 2 : 3);
        }
        return difficulty == Integer.parseInt(questionClass.replaceAll("[^0-9]", "")) + 1;   // depth0: 1
    }

    @ParameterizedTest(name = "{0} size {1}")
    @MethodSource("tasksAndSizes")
    void shouldGiveEveryTopLevelQuestionADifficultyWithinTheTasksRangeAndItsClass(String name, int size) {
        Task task = Tasks.byName(name);
        Rng rng = new Rng(name.hashCode() + size);
        for (int round = 0; round < 100; round++) {
            Context context = task.sampleContext(size, rng);
            for (int i = 0; i < 10; i++) {
                int[] q = task.sampleQuestion(context, rng);
                int d = task.difficulty(context, q);
                assertThat(d).as("%s", task.questionText(q)).isBetween(1, task.difficulties(size));
                if (task.levels() > 0) {
                    assertThat(d).as("a level H sees is the difficulty").isEqualTo(task.level(q));
                } else {
                    assertThat(inClass(task.questionClass(context, q), d))
                            .as("%s: class %s, difficulty %d", task.questionText(q), task.questionClass(context, q),
                                    d).isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"permutation-powering", "sequential-assignments", "wildcard-search", "shortest-path",
            "union-find"})
    void shouldRefuseAnotherTasksContext(String name) {
        Task task = Tasks.byName(name);
        String other = name.equals("union-find") ? "shortest-path" : "union-find";
        Rng rng = new Rng(3);
        Context foreign = Tasks.byName(other).sampleContext(4, rng);
        assertThatThrownBy(() -> task.sampleQuestion(foreign, rng))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
    }
}
