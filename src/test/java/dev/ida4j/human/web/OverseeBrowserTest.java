package dev.ida4j.human.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.browser.HeadlessChromium;
import dev.ida4j.human.Decision;
import dev.ida4j.human.Desk;
import dev.ida4j.human.OversightMode;
import dev.ida4j.human.ScriptedPerson;
import dev.ida4j.human.Session;
import dev.ida4j.human.TranscriptRecord;
import dev.ida4j.human.journal.Journal;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;

/** A person's whole decomposition of a permutation-powering question, typed into the page in a real Chromium. */
class OverseeBrowserTest {
    private final Task task = Tasks.byName("permutation-powering");
    @TempDir
    Path dir;

    @Test
    void shouldTakeAFullDecompositionThroughThePageIntoTheJournal() throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.start();
             Journal journal = Journal.open(dir.resolve("transcripts.journal"));
             Desk desk = new Desk(task, 8, OversightMode.HUMAN, new Desk.Answerer(null, "ground truth"), null,
                     journal, 21);
             OversightServer server = OversightServer.start(desk, InetAddress.getLoopbackAddress(), 0)) {
            var driver = chromium.driver;
            driver.get(server.url());
            until(driver, d -> d.findElement(By.id("question")).getText().startsWith("Q1: "));
            String question = driver.findElement(By.id("question")).getText().substring(4);
            assertThat(driver.findElement(By.id("desk")).getText()).contains("ground truth");
            driver.findElement(By.cssSelector("#reference summary")).click();
            until(driver, d -> d.findElement(By.id("tasks")).getText().contains("## permutation-powering"));
            assertThat(driver.findElement(By.id("tasks")).getText()).contains("Example: `fd ^ 28`");

            // a malformed subquestion is explained inline, and nothing is asked
            type(driver.findElement(By.id("input")), "ab ^ 99");
            driver.findElement(By.id("ask")).click();
            until(driver, d -> d.findElement(By.id("message")).getText().contains("not a question"));
            assertThat(driver.findElements(By.cssSelector("#steps li"))).isEmpty();

            List<Session.Step> steps = new ArrayList<>();
            Decision d = ScriptedPerson.next(task, question, steps);
            while (d instanceof Decision.Ask a) {
                type(driver.findElement(By.id("input")), a.text());
                driver.findElement(By.id("ask")).click();
                int asked = steps.size() + 1;
                until(driver, x -> x.findElements(By.cssSelector("#steps li")).size() == asked
                       );
                String line = driver.findElements(By.cssSelector("#steps li")).get(asked - 1).getText();
                assertThat(line).startsWith(a.text() + " → ");
                String[] parts = line.substring(a.text().length() + 3).split(" ");
                steps.add(new Session.Step(a.text(), parts[0], parts[1]));
                // the tree shows every subquestion as a node of the picture
                assertThat(driver.findElements(By.cssSelector("#tree rect"))).hasSize(1 + asked);
                d = ScriptedPerson.next(task, question, steps);
            }
            String answer = ((Decision.Answer) d).text();
            type(driver.findElement(By.id("input")), answer);
            driver.findElement(By.id("answer")).click();
            until(driver, x -> x.findElement(By.id("status")).getText().startsWith("saved as record #0"));
            assertThat(driver.findElement(By.id("status")).getText()).contains(answer + " is correct");
            assertThat(driver.findElement(By.cssSelector("#history td")).getText()).isEqualTo(question);

            List<Journal.Entry> saved = Journal.read(dir.resolve("transcripts.journal"));
            assertThat(saved).hasSize(1);
            TranscriptRecord r = TranscriptRecord.fromJson(saved.getFirst().payload());
            assertThat(r.question()).isEqualTo(question);
            assertThat(r.steps()).extracting(TranscriptRecord.Step::subquestion)
                    .containsExactlyElementsOf(steps.stream().map(Session.Step::subquestion).toList());
            assertThat(r.answer()).isEqualTo(answer);
            assertThat(r.correct()).isTrue();
        }
    }

    /** Polls the page until {@code done} holds, for at most 20 s. */
    private static void until(WebDriver driver, Predicate<WebDriver> done) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                if (done.test(driver)) {
                    return;
                }
            } catch (WebDriverException e) {
                // the element is being re-rendered: look again
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page did not get there in 20 s; it shows: "
                        + driver.findElement(By.tagName("body")).getText());
            }
            Thread.sleep(50);
        }
    }

    private static void type(WebElement input, String text) {
        input.clear();
        input.sendKeys(text);
    }
}
