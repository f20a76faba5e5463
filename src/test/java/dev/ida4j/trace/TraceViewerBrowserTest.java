package dev.ida4j.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.browser.HeadlessChromium;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The viewer in a real headless Chromium, on the known trees of {@link TraceRecorderTest}: its summary agrees with
 * {@link TraceSummary}; filtered to wrong answers it lists the planted tree alone; expanded, the node it highlights
 * as the first error is the planted answer, one level down, on the path the JSON names.
 */
class TraceViewerBrowserTest {
    @TempDir
    Path dir;

    @Test
    void shouldFilterToTheWrongAnswerAndHighlightItsFirstError() throws Exception {
        TraceRecorderTest.Planted p = TraceRecorderTest.Planted.make(6);
        Path file = dir.resolve("traces.jsonl");
        TraceSummary summary = new TraceSummary();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            TraceFiles.write(w, p.lines(), summary);
        }
        Path page = dir.resolve("index.html");
        TraceFiles.writeViewer(page, List.of(file), "traces </script> & co");
        long wrong = p.lines().stream().filter(l -> !l.get("tree").get("right").asBoolean()).count();
        assertThat(wrong).isEqualTo(summary.wrong()).isPositive();

        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            var driver = chromium.driver;
            driver.get(page.toUri().toString());
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("traces </script> & co");
            String top = driver.findElement(By.id("summary")).getText();
            assertThat(top).startsWith(p.lines().size() + " trees, " + wrong + " wrong")
                    .contains(summary.line().substring(summary.line().indexOf("first errors: ") + 14));
            assertThat(driver.findElements(By.cssSelector("#trees > details"))).hasSize(p.lines().size());

            driver.findElement(By.id("wrong-only")).click();
            List<WebElement> shown = driver.findElements(By.cssSelector("#trees > details"));
            assertThat(shown).hasSize((int) wrong);
            WebElement planted = shown.getFirst();
            assertThat(planted.getText()).contains(p.lines().getFirst().get("tree").get("question").asString())
                    .contains("first error: X's subanswer");

            planted.findElement(By.tagName("summary")).click();
            List<WebElement> marked = planted.findElements(By.cssSelector(".first-error"));
            assertThat(marked).hasSize(1);
            String question = TraceRecorderTest.TASK.questionText(p.leaf().question());
            assertThat(marked.getFirst().getText()).contains("ask " + question)
                    .contains(TraceRecorderTest.TASK.answerText(p.wrong()))
                    .contains("truth " + TraceRecorderTest.TASK.answerText(p.truth()));
            // the highlighted row is the planted step of the subtree under the top's step k, opened as on the path
            assertThat(marked.getFirst().getAttribute("data-step")).isEqualTo(Integer.toString(p.leaf().j()));
            WebElement subtree = marked.getFirst().findElement(By.xpath(".."));
            assertThat(subtree.getAttribute("class")).contains("on-path");
            assertThat(subtree.findElement(By.tagName("summary")).getText())
                    .contains(p.lines().getFirst().get("tree").get("actions").get(p.leaf().k()).get("ask").asString());
            assertThat(marked.getFirst().isDisplayed()).isTrue();
        }
    }
}
