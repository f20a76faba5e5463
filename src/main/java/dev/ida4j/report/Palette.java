package dev.ida4j.report;

import java.awt.Color;

/** Ten distinct colours (Tableau's), reused in order: run i gets colour i in every chart of a report. */
final class Palette {
    private static final int[] RGB = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f,
            0xbcbd22, 0x17becf};
    /** How many colours there are before they repeat. */
    static final int SIZE = RGB.length;

    private Palette() {
    }

    static Color colour(int i) {
        return new Color(RGB[i % RGB.length]);
    }

    /** {@code #rrggbb}, for the report's HTML. */
    static String hex(Color c) {
        return String.format("#%06x", c.getRGB() & 0xffffff);
    }
}
