package dev.ida4j.human;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.human.journal.Journal;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverseeConsoleTest {
    private final Task task = Tasks.byName("permutation-powering");
    @TempDir
    Path dir;

    @Test
    void shouldOverseeQuestionsLineByLineAndJournalEachOne() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Journal journal = Journal.open(dir.resolve("t.journal"));
             Desk desk = new Desk(task, 8, OversightMode.HUMAN, new Desk.Answerer(null, "ground truth"), null,
                     journal, 11)) {
            // the person: a typo first, then what H would type, for two questions, then quit
            BufferedReader person = new BufferedReader(Reader.nullReader()) {
                private boolean typo = true;

                @Override
                public String readLine() {
                    try {
                        Session.View v = desk.current().view();
                        if (v.number() > 2) {
                            return "quit";
                        }
                        if (typo) {
                            typo = false;
                            return "ab ^";
                        }
                        return switch (ScriptedPerson.next(task, v.question(), v.steps())) {
                            case Decision.Ask a -> a.text();
                            case Decision.Answer a -> "answer " + a.text();
                            default -> throw new AssertionError();
                        };
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            };
            new Console(desk, person, out).run();
            String text = bytes.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("question 1: ").contains("question 2: ").contains("question 3: ")
                    .contains("! permutation-powering: not a question: 'ab ^'")
                    .contains("saved as record #0: ").contains("saved as record #1: ")
                    .doesNotContain("is wrong");
            assertThat(text).containsPattern("  [a-h]{2} \\^ \\d+ -> [a-h]{2}   \\((environment|truth)\\)");
            assertThat(journal.entries()).hasSize(2);
            for (Journal.Entry e : journal.entries()) {
                assertThat(TranscriptRecord.fromJson(e.payload()).correct()).isTrue();
            }
        }
    }
}
