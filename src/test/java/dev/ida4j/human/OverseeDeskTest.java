package dev.ida4j.human;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.human.journal.Journal;
import dev.ida4j.overseer.ScriptOverseer;
import dev.ida4j.overseer.Transcript;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverseeDeskTest {
    private final Task task = Tasks.byName("permutation-powering");
    @TempDir
    Path dir;
    private Journal journal;
    private Desk desk;

    private Desk desk(OversightMode mode) throws IOException {
        journal = Journal.open(dir.resolve("transcripts.journal"));
        desk = new Desk(task, 8, mode, new Desk.Answerer(null, "ground truth"),
                mode.needsAssistant() ? rng -> new ScriptOverseer(task) : null, journal, 7);
        return desk;
    }

    @AfterEach
    void close() throws Exception {
        desk.close();
        journal.close();
    }

    /** Plays H through the session until the answer is saved; returns the final view. */
    private static Session.View playH(Task task, Session s) throws Refusal {
        Session.View v = s.view();
        for (int i = 0; v.phase() == Session.Phase.YOUR_TURN; i++) {
            v = s.act("req-" + v.number() + "-" + i, ScriptedPerson.next(task, v.question(), v.steps()));
        }
        return v;
    }

    @Test
    void shouldRecordAPersonsFullDecompositionAnsweredByEnvironmentAndTruth() throws Exception {
        Session s = desk(OversightMode.HUMAN).current();
        Session.View v = playH(task, s);
        assertThat(v.phase()).isEqualTo(Session.Phase.SAVED);
        assertThat(v.correct()).isTrue();
        assertThat(v.answer()).isEqualTo(v.truth());
        assertThat(v.record()).isZero();
        assertThat(v.steps()).hasSizeBetween(2, 3).allSatisfy(st -> assertThat(st.subanswer()).matches("[a-h]{2}"));

        List<Journal.Entry> saved = Journal.read(dir.resolve("transcripts.journal"));
        assertThat(saved).hasSize(1);
        TranscriptRecord r = TranscriptRecord.fromJson(saved.getFirst().payload());
        assertThat(r.id()).isEqualTo(saved.getFirst().id());
        assertThat(r.question()).isEqualTo(v.question());
        assertThat(r.facts()).hasSize(8).allSatisfy(f -> assertThat(f).matches("[a-h]{2} -> [a-h]{2}"));
        assertThat(r.steps()).extracting(TranscriptRecord.Step::verdict).containsOnly("typed");
        for (TranscriptRecord.Step st : r.steps()) {
            int k = Integer.parseInt(st.subquestion().substring(5));
            assertThat(st.by()).isEqualTo(k <= 1 ? "environment" : "truth");
        }
        Transcript t = r.toTranscript(task);
        assertThat(t.isDone()).isTrue();
        assertThat(task.answerText(t.answer())).isEqualTo(v.answer());
        assertThat(desk.history(5)).extracting(TranscriptRecord::question).containsExactly(v.question());
    }

    @Test
    void shouldExplainAMalformedSubquestionInlineAndChangeNothing() throws Exception {
        Session s = desk(OversightMode.HUMAN).current();
        assertThatThrownBy(() -> s.act("r1", new Decision.Ask("ab ^ 64")))
                .isInstanceOf(Refusal.class).hasMessageContaining("'ab ^ 64'").hasMessageContaining("k in 0..63")
                .matches(e -> !((Refusal) e).conflict());
        assertThatThrownBy(() -> s.act("r2", new Decision.Answer("zz"))).isInstanceOf(Refusal.class)
                .hasMessageContaining("'zz'");
        assertThat(s.view().steps()).isEmpty();
        assertThat(s.view().phase()).isEqualTo(Session.Phase.YOUR_TURN);
    }

    @Test
    void shouldActOnARetriedRequestOnceAndStopAtTheSlots() throws Exception {
        Session s = desk(OversightMode.HUMAN).current();
        s.act("same", new Decision.Ask("aa ^ 1"));
        Session.View v = s.act("same", new Decision.Ask("aa ^ 1"));
        assertThat(v.steps()).hasSize(1);
        s.act("b", new Decision.Ask("ab ^ 0"));
        s.act("c", new Decision.Ask("?"));
        assertThat(s.view().steps()).extracting(Session.Step::by).containsExactly("environment", "environment",
                "blank");
        assertThatThrownBy(() -> s.act("d", new Decision.Ask("ac ^ 1"))).isInstanceOf(Refusal.class)
                .hasMessageContaining("all 3 subquestions");
        Session.View done = s.act("answer-1", new Decision.Answer("?"));
        assertThat(done.phase()).isEqualTo(Session.Phase.SAVED);
        assertThat(done.correct()).isFalse();   // '?' is always wrong
        assertThat(s.act("answer-1", new Decision.Answer("?")).record()).isZero();
        assertThatThrownBy(() -> s.act("answer-2", new Decision.Answer("?"))).isInstanceOf(Refusal.class)
                .matches(e -> ((Refusal) e).conflict());
        assertThat(journal.size()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheAnswerAndSayNotSavedWhenTheJournalFails() throws Exception {
        Session s = desk(OversightMode.HUMAN).current();
        Session.View v = s.view();
        while (ScriptedPerson.next(task, v.question(), v.steps()) instanceof Decision.Ask a) {
            v = s.act("q" + v.steps().size(), a);
        }
        journal.close();   // every write now fails
        Decision last = ScriptedPerson.next(task, v.question(), v.steps());
        v = s.act("final", last);
        assertThat(v.phase()).isEqualTo(Session.Phase.SAVE_FAILED);
        assertThat(v.error()).startsWith("not saved:");
        assertThat(v.record()).isNull();
        assertThat(Journal.read(dir.resolve("transcripts.journal"))).isEmpty();
    }

    @Test
    void shouldLetAPersonAcceptH2sProposalsInAssistedMode() throws Exception {
        Session s = desk(OversightMode.ASSISTED).current();
        Session.View v = s.view();
        while (v.phase() == Session.Phase.YOUR_TURN) {
            assertThat(v.proposal()).isNotNull();
            v = s.act("a" + v.steps().size(), v.proposalKind().equals("ask")
                    ? new Decision.Ask(v.proposal()) : new Decision.Answer(v.proposal()));
        }
        assertThat(v.correct()).isTrue();
        TranscriptRecord r = TranscriptRecord.fromJson(journal.entries().getFirst().payload());
        assertThat(r.mode()).isEqualTo("assisted");
        assertThat(r.steps()).allSatisfy(st -> assertThat(st.verdict()).isEqualTo("accepted"));
        assertThat(r.answerVerdict()).isEqualTo("accepted");
    }

    @Test
    void shouldRecordRejectionsAndApprovalsInApprovalMode() throws Exception {
        Session s = desk(OversightMode.APPROVAL).current();
        assertThatThrownBy(() -> s.act("t", new Decision.Ask("aa ^ 1"))).isInstanceOf(Refusal.class)
                .hasMessageContaining("approval mode");
        String first = s.view().proposal();
        Session.View v = s.act("reject-0", new Decision.Reject());
        assertThat(v.rejected()).containsExactly(first);
        assertThat(v.steps()).isEmpty();
        for (int i = 0; v.phase() == Session.Phase.YOUR_TURN; i++) {
            v = s.act("approve-" + i, new Decision.Approve());
        }
        assertThat(v.phase()).isEqualTo(Session.Phase.SAVED);
        TranscriptRecord r = TranscriptRecord.fromJson(journal.entries().getFirst().payload());
        assertThat(r.steps().getFirst().rejected()).containsExactly(first);
        assertThat(r.steps()).extracting(TranscriptRecord.Step::verdict).containsOnly("approved");
    }

    @Test
    void shouldLeaveAnUnfinishedQuestionUnsavedForTheNextOne() throws Exception {
        Session s = desk(OversightMode.HUMAN).current();
        s.act("x", new Decision.Ask("aa ^ 1"));
        Session s2 = desk.next("n2");
        assertThat(s2).isNotSameAs(s);
        assertThat(desk.next("n2")).isSameAs(s2);
        assertThat(s.view().phase()).isEqualTo(Session.Phase.ABANDONED);
        assertThat(s2.view().number()).isEqualTo(2);
        assertThat(journal.size()).isZero();
    }
}
