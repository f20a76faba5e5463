package dev.ida4j.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.amplify.Counters;
import dev.ida4j.amplify.Decoding;
import dev.ida4j.amplify.Tree;
import dev.ida4j.amplify.TruthModel;
import dev.ida4j.loop.Questions;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A known tree: H amplifying a model that knows the ground truth, at depth 2, with one planted wrong answer of the
 * model one level down. The trace must show every node, the truth beside each answer, and name the planted answer as
 * the first error on the path from the top; the summary counts it the same way.
 */
class TraceRecorderTest {
    static final Task TASK = Tasks.byName("permutation-powering");

    /** Where the model answers in the first question's tree: the top's action k, amplified, and its child's j. */
    record Leaf(int k, int j, int[] question) {
    }

    /** Trace lines of H's trees on {@code contexts} contexts, one question each, the first with a planted error. */
    record Planted(Questions qs, Leaf leaf, int[] truth, int[] wrong, List<ObjectNode> lines) {
        static Planted make(int contexts) {
            Questions qs = Questions.sample(TASK, contexts, 8, 1, new Rng(7));
            TruthModel model = new TruthModel(TASK, qs.contexts(), 4);
            Leaf leaf = firstModelLeaf(amplify(qs, model).getFirst().getFirst());
            // the planted answer: a well-formed one other than the truth
            int[] truth = TASK.truth(qs.contexts().getFirst(), leaf.question());
            int[] wrong = truth;
            for (long seed = 1; Arrays.equals(wrong, truth); seed++) {
                wrong = TASK.randomAnswer(leaf.question(), new Rng(seed));
            }
            model.planted.put(Arrays.stream(leaf.question()).boxed().toList(), wrong);
            return new Planted(qs, leaf, truth, wrong, new TraceRecorder(TASK).lines(qs.contexts(), amplify(qs, model),
                    5));
        }
    }

    @Test
    void shouldNameAPlantedWrongSubanswerOneLevelDownAsTheFirstError() {
        Planted p = Planted.make(1);
        Questions qs = p.qs();
        Context context = qs.contexts().getFirst();
        Leaf leaf = p.leaf();
        int[] truth = p.truth();
        int[] wrong = p.wrong();
        List<ObjectNode> lines = p.lines();
        assertThat(lines).hasSize(1);
        JsonNode line = lines.getFirst();
        assertThat(line.get("step").asLong()).isEqualTo(5);
        assertThat(line.get("facts")).hasSize(context.factCount());
        JsonNode top = line.get("tree");
        assertThat(top.get("overseer").asString()).isEqualTo("H");
        assertThat(top.get("right").asBoolean()).isFalse();
        assertThat(top.get("truth").asString())
                .isEqualTo(TASK.answerText(TASK.truth(context, qs.questions().getFirst().getFirst())));
        JsonNode error = top.get("first_error");
        assertThat(error.get("kind").asString()).isEqualTo("subanswer");
        assertThat(error.get("by").asString()).isEqualTo("model");
        assertThat(error.get("class").asString()).isEqualTo(TASK.questionClass(context, leaf.question()));
        assertThat(error.get("path")).extracting(JsonNode::asInt).containsExactly(leaf.k(), leaf.j());

        // the path, walked: the top's action k was amplified and its answer is wrong; in its tree action j is the
        // planted one, the model's, beside the truth; everything before it on the path is right
        JsonNode viaK = top.get("actions").get(leaf.k());
        assertThat(viaK.get("by").asString()).isEqualTo("amplified");
        assertThat(viaK.get("right").asBoolean()).isFalse();
        JsonNode planted = viaK.get("tree").get("actions").get(leaf.j());
        assertThat(planted.get("ask").asString()).isEqualTo(TASK.questionText(leaf.question()));
        assertThat(planted.get("by").asString()).isEqualTo("model");
        assertThat(planted.get("reply").asString()).isEqualTo(TASK.answerText(wrong));
        assertThat(planted.get("truth").asString()).isEqualTo(TASK.answerText(truth));
        assertThat(planted.get("right").asBoolean()).isFalse();
        for (int i = 0; i < leaf.k(); i++) {
            assertThat(top.get("actions").get(i).get("right").asBoolean()).as("top action %d", i).isTrue();
        }
        for (int i = 0; i < leaf.j(); i++) {
            assertThat(viaK.get("tree").get("actions").get(i).get("right").asBoolean()).as("action %d", i).isTrue();
        }
        // H decides: no probabilities, and nothing where H parts from itself
        assertThat(top.toString()).doesNotContain("\"p\":").doesNotContain("\"h\":");

        TraceSummary summary = new TraceSummary();
        summary.add(line);
        assertThat(summary.trees()).isEqualTo(1);
        assertThat(summary.wrong()).isEqualTo(1);
        assertThat(summary.causes()).containsExactly(java.util.Map.entry("X's subanswer", 1));
        assertThat(summary.line()).isEqualTo("1 trees, 1 wrong; first errors: X's subanswer 1 (100 %) ["
                + TASK.questionClass(context, leaf.question()) + " 1]");
    }

    @Test
    void shouldRecordTheSameTranscriptsAsUntracedAmplification() {
        Questions qs = Questions.sample(TASK, 3, 8, 0, new Rng(3));
        TruthModel model = new TruthModel(TASK, qs.contexts(), 4);
        ScriptOverseer h = new ScriptOverseer(TASK);
        var plain = new Amplifier(TASK, model, new Counters(), 0.3).amplify(qs.contexts(), qs.questions(), h, 2,
                new Rng(11), Decoding.GREEDY);
        var traced = new Amplifier(TASK, model, new Counters(), 0.3).amplifyTraced(qs.contexts(), qs.questions(), h,
                2, new Rng(11), Decoding.GREEDY);
        assertThat(traced).hasSameSizeAs(plain);
        for (int c = 0; c < plain.size(); c++) {
            for (int q = 0; q < plain.get(c).size(); q++) {
                assertThat(traced.get(c).get(q).transcript().render(TASK)).isEqualTo(plain.get(c).get(q).render(TASK));
            }
        }
    }

    private static List<List<Tree>> amplify(Questions qs, TruthModel model) {
        return new Amplifier(TASK, model, new Counters(), 0).amplifyTraced(qs.contexts(), qs.questions(),
                new ScriptOverseer(TASK), 2, new Rng(1), Decoding.GREEDY);
    }

    private static Leaf firstModelLeaf(Tree top) {
        for (int k = 0; k < top.transcript().asked(); k++) {
            Tree child = top.child(k);
            if (top.source(k) != Tree.Source.AMPLIFIED) {
                continue;
            }
            for (int j = 0; j < child.transcript().asked(); j++) {
                if (child.source(j) == Tree.Source.MODEL) {
                    return new Leaf(k, j, child.transcript().subquestion(j));
                }
            }
        }
        throw new AssertionError("no model answer one level down in " + top.transcript().render(TASK));
    }
}
