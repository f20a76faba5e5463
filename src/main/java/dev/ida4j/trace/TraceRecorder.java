package dev.ida4j.trace;

import dev.ida4j.amplify.Tree;
import dev.ida4j.human.TranscriptRecord;
import dev.ida4j.model.asker.Asker;
import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.overseer.TranscriptLayout;
import dev.ida4j.task.Context;
import dev.ida4j.task.Task;
import dev.ida4j.task.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns amplification trees into trace lines ({@code TRACES.md}): every node's question, each action of its overseer
 * with what answered it, the ground truth beside every answer, and on each wrong node the first error below it. Where
 * the overseer is H′ each action carries H′'s probability of it, and where H′ parts from H, H's action and H′'s
 * probability of that.
 */
public final class TraceRecorder {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private final Task task;
    private final ScriptOverseer h;
    private final Asker asker;
    private final TranscriptLayout layout;

    /** For trees of the algorithmic overseer H. */
    public TraceRecorder(Task task) {
        this(task, null);
    }

    /** For trees of H′ ({@code asker}), or of H when it is null. */
    public TraceRecorder(Task task, Asker asker) {
        this.task = task;
        this.h = new ScriptOverseer(task);
        this.asker = asker;
        this.layout = new TranscriptLayout(task.slots(), task.questionLength(), task.answerLength());
    }

    /**
     * One trace line per question tree of {@code trees} (nested by context as {@code contexts}), in order;
     * {@code step} is the X step of a training run's generation batch, or -1 for none.
     */
    public List<ObjectNode> lines(List<? extends Context> contexts, List<List<Tree>> trees, long step) {
        Map<Transcript, Deviation> parts = new IdentityHashMap<>();
        List<Transcript> all = new ArrayList<>();
        if (asker != null) {
            for (List<Tree> perContext : trees) {
                for (Tree t : perContext) {
                    collect(t, all, parts);
                }
            }
        }
        AskerOdds odds = asker == null ? null : new AskerOdds(asker, layout, all, parts);
        List<ObjectNode> lines = new ArrayList<>();
        for (int c = 0; c < contexts.size(); c++) {
            Context context = contexts.get(c);
            ArrayNode facts = JSON.createArrayNode();
            for (int i = 0; i < context.factCount(); i++) {
                facts.add(task.factText(context.fact(i)));
            }
            for (int q = 0; q < trees.get(c).size(); q++) {
                ObjectNode line = JSON.createObjectNode();
                line.put("task", task.name());
                if (step >= 0) {
                    line.put("step", step);
                }
                line.put("context", c).put("index", q);
                line.set("facts", facts);
                ObjectNode node = new Builder(context, parts, odds).node(trees.get(c).get(q));
                line.set("tree", node);
                lines.add(line);
            }
        }
        return lines;
    }

    private void collect(Tree t, List<Transcript> all, Map<Transcript, Deviation> parts) {
        all.add(t.transcript());
        parts.put(t.transcript(), Deviation.of(h, t.transcript()));
        for (int k = 0; k < t.transcript().asked(); k++) {
            if (t.child(k) != null) {
                collect(t.child(k), all, parts);
            }
        }
    }

    /** One context's nodes. */
    private final class Builder {
        private final Context context;
        private final Map<Transcript, Deviation> parts;
        private final AskerOdds odds;

        Builder(Context context, Map<Transcript, Deviation> parts, AskerOdds odds) {
            this.context = context;
            this.parts = parts;
            this.odds = odds;
        }

        ObjectNode node(Tree tree) {
            Transcript t = tree.transcript();
            int[] question = t.question();
            ObjectNode n = JSON.createObjectNode();
            n.put("question", task.questionText(question)).put("class", questionClass(question));
            n.put("overseer", asker == null ? "H" : "H′");
            Deviation d = parts.get(t);
            ObjectNode first = null;
            ArrayNode actions = n.putArray("actions");
            for (int k = 0; k < t.asked(); k++) {
                int[] sq = t.subquestion(k);
                int[] reply = t.subanswer(k);
                boolean blank = Vocabulary.isBlank(sq);
                ObjectNode a = actions.addObject();
                a.put("ask", blank ? "" : questionText(sq));
                if (odds != null) {
                    a.put("p", odds.step(t, k));
                }
                if (d != null && d.step() == k) {
                    a.put("h", describe(d.h()));
                    if (odds != null) {
                        a.put("p_h", odds.alternative(t));
                    }
                    first = first != null ? first : error("subquestion", k);
                }
                a.put("by", tree.source(k).label());
                if (blank) {
                    continue;
                }
                a.put("reply", answerText(reply));
                if (tree.injected(k)) {
                    a.put("injected", true);
                }
                // the truth itself is right even where it is ? (a question with no answer in these facts)
                int[] truth = task.truth(context, sq);
                boolean right = task.isCorrect(context, sq, reply) || Arrays.equals(reply, truth);
                a.put("truth", answerText(truth)).put("right", right);
                ObjectNode child = tree.child(k) == null ? null : node(tree.child(k));
                if (child != null) {
                    a.set("tree", child);
                }
                if (!right && first == null) {
                    if (tree.injected(k)) {
                        first = error("subanswer", k).put("by", "injected");
                    } else if (child != null && child.has("first_error")) {
                        first = ((ObjectNode) child.get("first_error")).deepCopy();
                        ((ArrayNode) first.get("path")).insert(0, k);
                    } else {
                        first = error("subanswer", k).put("by", tree.source(k).label())
                                .put("class", questionClass(sq));
                    }
                }
            }
            int[] answer = t.answer();
            boolean right = task.isCorrect(context, question, answer);
            n.put("answer", answerText(answer));
            if (odds != null) {
                n.put("p", odds.step(t, layout.slots()));
            }
            if (d != null && d.step() == t.asked()) {
                n.put("h", describe(d.h()));
                if (odds != null) {
                    n.put("p_h", odds.alternative(t));
                }
                first = first != null ? first : error("combination", t.asked());
            }
            n.put("truth", answerText(task.truth(context, question))).put("right", right);
            if (!right) {
                // every input right and the overseer as H: H's own combination (an injected overseer error)
                n.set("first_error", first != null ? first : error("combination", t.asked()));
            }
            return n;
        }

        private String questionClass(int[] question) {
            try {
                return task.questionClass(context, question);
            } catch (IllegalArgumentException e) {
                return "malformed";
            }
        }
    }

    /**
     * The trace line of a person's transcript from {@code ida4j oversee} ({@code task} being its task): without the
     * context, only the answers whose truth the record holds are judged (the final one, and the environment's and
     * the ground truth's subanswers), and a wrong answer's first error is where the person parted from H, or else a
     * subanswer of the model (which one the record cannot say: its {@code path} is empty).
     */
    public static ObjectNode personLine(Task task, TranscriptRecord r) {
        Transcript t = r.toTranscript(task);
        ObjectNode line = JSON.createObjectNode().put("task", r.task()).put("id", r.id());
        line.putArray("facts").addAll(r.facts().stream().map(JSON::valueToTree).map(JsonNode.class::cast).toList());
        ObjectNode n = line.putObject("tree");
        n.put("question", r.question()).put("class", "person").put("overseer", "person");
        TraceRecorder text = new TraceRecorder(task);
        Deviation d = Deviation.of(text.h, t);
        ArrayNode actions = n.putArray("actions");
        for (int k = 0; k < r.steps().size(); k++) {
            TranscriptRecord.Step s = r.steps().get(k);
            ObjectNode a = actions.addObject();
            a.put("ask", s.by().equals("blank") ? "" : s.subquestion());
            if (d != null && d.step() == k) {
                a.put("h", text.describe(d.h()));
            }
            a.put("by", s.by());
            if (!s.by().equals("blank")) {
                a.put("reply", s.subanswer());
                if (s.by().equals("environment") || s.by().equals("truth")) {
                    a.put("truth", s.subanswer()).put("right", true);
                }
            }
        }
        n.put("answer", r.answer());
        if (d != null && d.step() == r.steps().size()) {
            n.put("h", text.describe(d.h()));
        }
        n.put("truth", r.truth()).put("right", r.correct());
        if (!r.correct()) {
            ObjectNode e = d != null ? error(d.step() < r.steps().size() ? "subquestion" : "combination", d.step())
                    : JSON.createObjectNode().put("kind", "subanswer").put("by", "model");
            if (d == null) {
                e.putArray("path");
            }
            n.set("first_error", e);
        }
        return line;
    }

    private static ObjectNode error(String kind, int step) {
        ObjectNode e = JSON.createObjectNode().put("kind", kind);
        e.putArray("path").add(step);
        return e;
    }

    private String describe(Action a) {
        return switch (a) {
            case Action.Ask ask -> "ask " + questionText(ask.subquestion());
            case Action.Answer answer -> "answer " + answerText(answer.answer());
        };
    }

    private String questionText(int[] question) {
        try {
            return task.questionText(question);
        } catch (IllegalArgumentException e) {
            return "[" + task.vocabulary().render(question) + "]";
        }
    }

    private String answerText(int[] answer) {
        try {
            return task.answerText(answer);
        } catch (IllegalArgumentException e) {
            return "[" + task.vocabulary().render(answer) + "]";
        }
    }
}
