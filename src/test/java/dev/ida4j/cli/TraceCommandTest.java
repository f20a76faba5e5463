package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.amplify.Counters;
import dev.ida4j.amplify.Decoding;
import dev.ida4j.amplify.TruthModel;
import dev.ida4j.human.TranscriptRecord;
import dev.ida4j.loop.Questions;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.random.Rng;
import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ida4j trace} on a trained amplification run (H′ deciding) and on a person's transcripts, and
 * {@code train --trace-every} with the report's page for it.
 */
class TraceCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    final StdStreams io = new StdStreams();
    @TempDir
    Path tmp;

    @Test
    void shouldTraceGenerationBatchesWhileTrainingThenTraceTheRunInOneLine() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(Main.run("train", "--task", "union-find", "--size", "8", "--steps", "5", "--trace-every", "2",
                "--log-every", "5", "--eval-every", "5", "--out", run.toString())).isZero();
        // requested at steps 0, 2 and 4, each the first batch generated from then on (one every 2 steps)
        assertThat(run.resolve("traces")).isDirectoryContaining("glob:**/step-0.jsonl")
                .isDirectoryContaining("glob:**/step-2.jsonl").isDirectoryContaining("glob:**/step-4.jsonl");
        for (String line : Files.readAllLines(run.resolve("traces/step-2.jsonl"))) {
            JsonNode l = JSON.readTree(line);
            assertThat(l.get("step").asLong()).isEqualTo(2);
            assertThat(l.get("context").asInt()).isBetween(0, 1);   // two contexts of the batch
            checkNode(l.get("tree"), true);
        }

        io.resetOut();
        Path out = tmp.resolve("trace");
        assertThat(Main.run("trace", "--run", run.toString(), "--contexts", "3", "--depth", "2", "--out",
                out.toString())).isZero();
        List<String> said = io.out().strip().lines().toList();
        assertThat(said).hasSize(2);
        List<String> lines = Files.readAllLines(out.resolve("traces.jsonl"));
        long wrong = lines.stream().filter(l -> !JSON.readTree(l).get("tree").get("right").asBoolean()).count();
        assertThat(said.getFirst()).startsWith("trace: " + lines.size() + " trees, " + wrong + " wrong");
        assertThat(said.getLast()).isEqualTo("page: " + out.resolve("index.html").toAbsolutePath());
        for (String line : lines) {
            checkNode(JSON.readTree(line).get("tree"), true);
        }
        assertThat(Files.readString(out.resolve("index.html"))).contains("\"question\":");

        // again into the same folder: an earlier trace's is replaced; a folder of other files is refused
        assertThat(Main.run("trace", "--run", run.toString(), "--contexts", "1", "--out", out.toString())).isZero();
        Files.writeString(tmp.resolve("mine.txt"), "a user's file");
        assertThat(Main.run("trace", "--run", run.toString(), "--out", tmp.toString())).isEqualTo(2);
        assertThat(io.err()).contains("holds other files");
        assertThat(Main.run("trace", "--out", out.toString())).isEqualTo(2);
        assertThat(io.err()).contains("give either --run RUN or --transcripts FILE");

        io.resetOut();
        assertThat(Main.run("report", run.toString())).isZero();
        assertThat(Files.readString(run.resolve("report/report.html"))).contains("<h2>Traces</h2>")
                .contains("href=\"traces.html\"");
        assertThat(Files.readString(run.resolve("report/traces.html"))).contains("\"step\":4");
    }

    @Test
    void shouldLeaveADeterministicRunsWeightsAndLogUnchanged() throws IOException {
        for (String mode : List.of("amplification", "noasker")) {
            Path plain = tmp.resolve(mode + "-plain");
            Path traced = tmp.resolve(mode + "-traced");
            for (Path run : List.of(plain, traced)) {
                List<String> args = new ArrayList<>(List.of("train", "--task", "union-find", "--mode", mode, "--size",
                        "8", "--steps", "6", "--log-every", "2", "--eval-every", "6", "--out", run.toString()));
                if (run == traced) {
                    args.addAll(List.of("--trace-every", "1"));
                }
                assertThat(Main.run(args.toArray(String[]::new))).isZero();
            }
            assertThat(traced.resolve("traces")).isNotEmptyDirectory();
            assertThat(Files.readAllBytes(traced.resolve("checkpoints/step-6/model.safetensors")))
                    .isEqualTo(Files.readAllBytes(plain.resolve("checkpoints/step-6/model.safetensors")));
            assertThat(withoutTimes(traced)).isEqualTo(withoutTimes(plain));
        }
    }

    /** The metrics log without its wall-clock figures. */
    private static List<String> withoutTimes(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll("\"(questions_per_s|generation_s|train_s|elapsed_s)\":[^,}]*", "")).toList();
    }

    @Test
    void shouldTraceHsTreesOfANoaskerRunAtTheDepthAskedFor() throws IOException {
        Path run = tmp.resolve("run");
        assertThat(Main.run("train", "--task", "permutation-powering", "--mode", "noasker", "--size", "6", "--steps",
                "2", "--out", run.toString())).isZero();
        Path out = tmp.resolve("trace");
        assertThat(Main.run("trace", "--run", run.toString(), "--contexts", "2", "--depth", "2", "--out",
                out.toString())).isZero();
        boolean deeper = false;
        for (String line : Files.readAllLines(out.resolve("traces.jsonl"))) {
            JsonNode tree = JSON.readTree(line).get("tree");
            assertThat(tree.get("overseer").asString()).isEqualTo("H");
            assertThat(tree.toString()).doesNotContain("\"p\":").doesNotContain("\"h\":");
            assertThat(tree.has("first_error")).isEqualTo(!tree.get("right").asBoolean());
            deeper |= tree.toString().contains("\"by\":\"amplified\"");
        }
        assertThat(deeper).as("depth 2: subquestions amplified one level down").isTrue();

        Path supervised = tmp.resolve("supervised");
        assertThat(Main.run("train", "--task", "permutation-powering", "--mode", "supervised", "--size", "6",
                "--steps", "2", "--trace-every", "1", "--out", supervised.toString())).isZero();
        assertThat(io.out()).contains("warning: no traces: the supervised baseline builds no trees");
        assertThat(supervised.resolve("traces")).doesNotExist();
    }

    /** Every node: H′'s odds of each action in (0, 1], H's alternative with its odds, the truths, a first error. */
    private static void checkNode(JsonNode node, boolean learned) {
        assertThat(node.get("overseer").asString()).isEqualTo(learned ? "H′" : "H");
        for (JsonNode a : node.get("actions")) {
            assertThat(a.get("p").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(1);
            if (a.has("h")) {
                assertThat(a.get("h").asString()).matches("(ask|answer) .+");
                assertThat(a.get("p_h").asDouble()).isBetween(0.0, 1.0);
            }
            if (!a.get("ask").asString().isEmpty()) {
                assertThat(a.has("truth") && a.has("right") && a.has("reply")).as(a.toString()).isTrue();
            }
            if (a.has("tree")) {
                checkNode(a.get("tree"), learned);
            }
        }
        assertThat(node.has("truth") && node.has("answer")).isTrue();
        assertThat(node.has("first_error")).as(node.toString()).isEqualTo(!node.get("right").asBoolean());
    }

    @Test
    void shouldTraceAPersonsTranscriptsNamingWhereTheyPartedFromH() throws IOException {
        Task task = Tasks.byName("permutation-powering");
        Questions qs = Questions.sample(task, 1, 6, 1, new Rng(4));
        Context context = qs.contexts().getFirst();
        Transcript t = new Amplifier(task, new TruthModel(task, qs.contexts(), 1), new Counters(), 0)
                .amplify(qs.contexts(), qs.questions(), new ScriptOverseer(task), 1, new Rng(1), Decoding.GREEDY)
                .getFirst().getFirst();
        List<String> facts = new ArrayList<>();
        for (int i = 0; i < context.factCount(); i++) {
            facts.add(task.factText(context.fact(i)));
        }
        List<TranscriptRecord.Step> steps = new ArrayList<>();
        for (int k = 0; k < t.asked(); k++) {
            int[] sq = t.subquestion(k);
            steps.add(new TranscriptRecord.Step(task.questionText(sq), task.answerText(t.subanswer(k)),
                    task.isPrimitive(sq) ? "environment" : "truth", null, "typed", List.of()));
        }
        String truth = task.answerText(t.answer());
        String other = task.answerText(task.randomAnswer(t.question(), new Rng(2)));
        other = other.equals(truth) ? "?" : other;
        Path file = tmp.resolve("transcripts.jsonl");
        Files.writeString(file, record(task, facts, t, steps, truth, truth).toJson() + "\n"
                + record(task, facts, t, steps, other, truth).toJson() + "\n");

        Path out = tmp.resolve("person");
        assertThat(Main.run("trace", "--transcripts", file.toString(), "--out", out.toString())).isZero();
        assertThat(io.out()).contains("trace: 2 trees, 1 wrong; first errors: the combination 1 (100 %)");
        List<String> lines = Files.readAllLines(out.resolve("traces.jsonl"));
        JsonNode right = JSON.readTree(lines.getFirst()).get("tree");
        JsonNode wrong = JSON.readTree(lines.getLast()).get("tree");
        assertThat(right.get("overseer").asString()).isEqualTo("person");
        assertThat(right.has("first_error")).isFalse();
        assertThat(wrong.get("h").asString()).isEqualTo("answer " + truth);
        assertThat(wrong.get("first_error").get("path")).extracting(JsonNode::asInt).containsExactly(t.asked());
    }

    private static TranscriptRecord record(Task task, List<String> facts, Transcript t,
                                           List<TranscriptRecord.Step> steps, String answer, String truth) {
        return new TranscriptRecord("id-" + answer, task.name(), 6, "human", "truth", facts,
                task.questionText(t.question()), steps, answer, null, "typed", List.of(), truth,
                answer.equals(truth), "2026-12-07T00:00:00Z", "2026-12-07T00:01:00Z");
    }
}
