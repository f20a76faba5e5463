package dev.ida4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.Backends;
import dev.ida4j.browser.HeadlessChromium;
import dev.ida4j.cli.Main;
import dev.ida4j.loop.LoopConfig;
import dev.ida4j.loop.Mode;
import dev.ida4j.loop.TrainingRun;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;

/**
 * The "done when": a report on two real (short) runs, a noasker one (stopped and resumed) and a supervised
 * one, opened in a real headless Chromium, shows its plots: every image loads, and the first plot's region of the
 * screenshot is a chart drawn in the runs' colours, not a blank or a broken-image icon.
 */
class ReportBrowserTest {
    private static final int FIRST_RUN_RGB = 0x1f77b4;
    private static final int SECOND_RUN_RGB = 0xff7f0e;

    @TempDir
    Path dir;

    @Test
    void shouldShowEveryPlotInAHeadlessBrowser() throws Exception {
        Path noasker = dir.resolve("noasker");
        Path supervised = dir.resolve("supervised");
        Path report = dir.resolve("report");
        train(Mode.NOASKER, 12, noasker, false);
        train(Mode.NOASKER, 24, noasker, true);   // a resumed run: its log has two sessions
        train(Mode.SUPERVISED, 24, supervised, false);
        assertThat(Main.run("report", noasker.toString(), supervised.toString(), "--out", report.toString()))
                .isZero();
        assertThat(RunMetrics.read(noasker).training("loss_x").steps()).containsExactly(3, 6, 9, 12, 15, 18, 21, 24);
        String html = Files.readString(report.resolve("report.html"));
        assertThat(html).contains("<td>noasker<br>").contains("<td>supervised<br>").contains("at step 24, size 4");
        String svg = Files.readString(report.resolve("accuracy.svg"));
        assertThat(svg).contains("<svg").contains("<path").contains("rgb(31,119,180)").contains("rgb(255,127,14)");
        BufferedImage png = ImageIO.read(report.resolve("accuracy.png").toFile());
        assertThat(png.getWidth()).isEqualTo(900);
        assertThat(colourCount(png, 0, 0, png.getWidth(), png.getHeight(), FIRST_RUN_RGB)).isGreaterThan(100);

        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.driver.get(report.resolve("report.html").toUri().toString());
            assertThat(chromium.driver.getTitle()).isEqualTo("ida4j report: permutation-powering");
            List<WebElement> images = chromium.driver.findElements(By.tagName("img"));
            assertThat(images).hasSizeGreaterThanOrEqualTo(7);
            for (WebElement img : images) {
                Object width = chromium.driver.executeScript(
                        "return arguments[0].complete ? arguments[0].naturalWidth : -1;", img);
                assertThat(((Number) width).intValue()).as(img.getAttribute("src")).isGreaterThan(0);
            }
            WebElement first = images.getFirst();
            chromium.driver.executeScript("arguments[0].scrollIntoView();", first);
            Rectangle r = first.getRect();
            Number scrollY = (Number) chromium.driver.executeScript("return window.scrollY;");
            BufferedImage shot = ImageIO.read(new ByteArrayInputStream(
                    chromium.driver.getScreenshotAs(OutputType.BYTES)));
            int top = r.getY() - scrollY.intValue();
            int width = Math.min(r.getWidth(), shot.getWidth() - r.getX());
            int height = Math.min(r.getHeight(), shot.getHeight() - top);
            assertThat(width).isGreaterThan(600);
            assertThat(height).isGreaterThan(300);
            assertThat(distinctColours(shot, r.getX(), top, width, height)).isGreaterThan(50);
            assertThat(colourCount(shot, r.getX(), top, width, height, FIRST_RUN_RGB)).isGreaterThan(100);
            assertThat(colourCount(shot, r.getX(), top, width, height, SECOND_RUN_RGB)).isGreaterThan(100);
        }
    }

    /** A few seconds of training on size-4 questions with small batches (as the loop's own tests do). */
    private static void train(Mode mode, long steps, Path run, boolean resume) throws IOException {
        LoopConfig cfg = LoopConfig.defaults("permutation-powering", mode, 4, steps, 0, 7)
                .with("generationContexts", 4).with("trainContexts", 4).with("minBufferContexts", 8)
                .with("evalContexts", 4).with("logEvery", 3).with("evalEvery", 8)
                .with("levelCurriculum", false);   // every level drawn: curves of the run's whole question mix
        try (Backend backend = Backends.create("cpu", 1)) {
            new TrainingRun(backend, cfg, run, new PrintStream(new ByteArrayOutputStream())).run(resume);
        }
    }

    private static int distinctColours(BufferedImage image, int x0, int y0, int width, int height) {
        Set<Integer> colours = new HashSet<>();
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return colours.size();
    }

    /** Pixels within 12 of {@code rgb} in every channel (antialiasing and colour conversion move a little). */
    private static int colourCount(BufferedImage image, int x0, int y0, int width, int height, int rgb) {
        int n = 0;
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                int p = image.getRGB(x, y);
                boolean near = true;
                for (int shift = 0; shift <= 16; shift += 8) {
                    near &= Math.abs((p >> shift & 0xff) - (rgb >> shift & 0xff)) <= 12;
                }
                n += near ? 1 : 0;
            }
        }
        return n;
    }
}
