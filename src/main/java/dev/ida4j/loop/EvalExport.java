package dev.ida4j.loop;

import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code ida4j eval} export of {@code TASKS.md}: one JSON object per question, contexts repeated on each
 * of their questions' lines, followed (elsewhere: on standard output) by one summary line.
 */
public final class EvalExport {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EvalExport() {
    }

    /** Writes one line per question and returns the summary line (without a newline). */
    public static String write(Writer out, Task task, int size, Questions qs, List<List<int[]>> answers)
            throws IOException {
        ClassAccuracy acc = new ClassAccuracy();
        for (int c = 0; c < qs.contexts().size(); c++) {
            Context context = qs.contexts().get(c);
            ArrayNode facts = JSON.createArrayNode();
            for (int i = 0; i < context.factCount(); i++) {
                facts.add(task.factText(context.fact(i)));
            }
            for (int i = 0; i < qs.questions().get(c).size(); i++) {
                int[] q = qs.questions().get(c).get(i);
                int[] answer = answers.get(c).get(i);
                boolean correct = task.isCorrect(context, q, answer);
                String cls = task.questionClass(context, q);
                acc.add(cls, correct);
                ObjectNode line = JSON.createObjectNode();
                line.put("task", task.name());
                line.put("size", size);
                line.put("context", c);
                line.set("facts", facts);
                line.put("question", task.questionText(q));
                line.put("answer", task.answerText(answer));
                line.put("truth", task.answerText(task.truth(context, q)));
                line.put("correct", correct);
                line.put("class", cls);
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
            }
        }
        ObjectNode summary = JSON.createObjectNode();
        summary.put("task", task.name());
        summary.put("size", size);
        summary.put("questions", acc.total());
        summary.put("accuracy", acc.accuracy());
        ObjectNode perClass = summary.putObject("per_class");
        for (Map.Entry<String, Double> e : acc.perClass().entrySet()) {
            perClass.put(e.getKey(), e.getValue());
        }
        return JSON.writeValueAsString(summary);
    }
}
