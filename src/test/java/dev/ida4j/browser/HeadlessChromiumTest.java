package dev.ida4j.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;

class HeadlessChromiumTest {

    @Test
    void rendersAPageAndTakesAScreenshot(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("page.html");
        Files.writeString(page, "<!doctype html><title>probe</title><body style='margin:0;background:#fff'>"
                + "<div id='box' style='width:200px;height:100px;background:rgb(255,0,0)'></div>"
                + "<p id='text'>ida4j</p></body>", StandardCharsets.UTF_8);
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.driver.get(page.toUri().toString());
            assertThat(chromium.driver.getTitle()).isEqualTo("probe");
            assertThat(chromium.driver.findElement(By.id("text")).getText()).isEqualTo("ida4j");
            BufferedImage shot = ImageIO.read(new ByteArrayInputStream(
                    chromium.driver.getScreenshotAs(OutputType.BYTES)));
            assertThat(shot.getRGB(100, 50) & 0xffffff).isEqualTo(0xff0000);
            assertThat(shot.getRGB(600, 400) & 0xffffff).isEqualTo(0xffffff);
        }
    }
}
