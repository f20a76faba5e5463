package dev.ida4j.human.journal;

import java.nio.file.Path;

/**
 * The child process of {@link JournalKillTest}: appends judgments to the journal named by its argument without end,
 * printing {@code ack N} after record N is acknowledged (fsynced), until it is killed.
 */
public final class JournalWriter {
    private JournalWriter() {
    }

    public static void main(String[] args) throws Exception {
        try (Journal j = Journal.open(Path.of(args[0]))) {
            for (int n = j.size(); ; n++) {
                j.append("judgment-" + n, "{\"n\":" + n + ",\"answer\":\"" + "ab".repeat(n % 50) + "\"}");
                System.out.println("ack " + n);
                System.out.flush();
            }
        }
    }
}
