package dev.ida4j.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;

/**
 * One plot of a report: XChart panels laid out row by row in a grid (a single chart is a grid of one), painted once
 * onto a bitmap for the PNG and once onto VectorGraphics2D for the SVG, so both files show the same drawing.
 *
 * @param name    the file name without extension ({@code name.png}, {@code name.svg})
 * @param title   the heading above it in the report
 * @param caption what it shows, in a sentence
 */
record Figure(String name, String title, String caption, List<XYChart> panels, int columns) {

    int width() {
        return columns * panels.getFirst().getWidth();
    }

    int height() {
        int rows = (panels.size() + columns - 1) / columns;
        return rows * panels.getFirst().getHeight();
    }

    void writePng(Path file) throws IOException {
        BufferedImage image = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            paint(g);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException(file + ": no PNG writer in this JVM");
        }
    }

    void writeSvg(Path file) throws IOException {
        VectorGraphics2D g = new VectorGraphics2D();
        paint(g);
        try (OutputStream out = Files.newOutputStream(file)) {
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(width(), height())).writeTo(out);
        }
    }

    private void paint(Graphics2D g) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width(), height());   // a grid's unused cells stay white
        for (int i = 0; i < panels.size(); i++) {
            XYChart chart = panels.get(i);
            int x = i % columns * chart.getWidth();
            int y = i / columns * chart.getHeight();
            Graphics2D cell = (Graphics2D) g.create(x, y, chart.getWidth(), chart.getHeight());
            try {
                chart.paint(cell, chart.getWidth(), chart.getHeight());
            } finally {
                cell.dispose();
            }
        }
    }
}
