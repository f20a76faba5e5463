package dev.ida4j.human;

import dev.ida4j.overseer.Action;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.task.Task;
import java.util.List;

/** A test's stand-in for a person: decides what the task's H would, from what the page shows (text only). */
public final class ScriptedPerson {
    private ScriptedPerson() {
    }

    /** H's next decision on the question and the subquestions answered so far, in the task's text form. */
    public static Decision next(Task task, String question, List<Session.Step> steps) {
        Transcript t = new Transcript(task.parseQuestion(question), task.slots());
        for (Session.Step s : steps) {
            t.ask(task.parseQuestion(s.subquestion()));
            t.reply(task.parseAnswer(s.subanswer()));
        }
        Action[] out = new Action[1];
        new ScriptOverseer(task).next(List.of(t), out);
        return switch (out[0]) {
            case Action.Ask a -> new Decision.Ask(task.questionText(a.subquestion()));
            case Action.Answer a -> new Decision.Answer(task.answerText(a.answer()));
        };
    }
}
