package dev.ida4j.human.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("run/transcripts.journal");
    }

    /** Three records; returns the byte offset where each starts, and the file's end last. */
    private long[] three() throws IOException {
        try (Journal j = Journal.open(file())) {
            long a = j.append("a1", "{\"n\":1}").entry().offset();
            long b = j.append("b2", "{\"n\":2,\"text\":\"σ ^ 2\"}").entry().offset();
            long c = j.append("c3", "{\"n\":3}").entry().offset();
            return new long[] {a, b, c, Files.size(file())};
        }
    }

    private static List<String> ids(Journal j) {
        return j.entries().stream().map(Journal.Entry::id).toList();
    }

    @Test
    void shouldKeepEveryRecordAcrossReopenAndExportThemAsLines() throws IOException {
        three();
        try (Journal j = Journal.open(file())) {
            assertThat(ids(j)).containsExactly("a1", "b2", "c3");
            assertThat(j.truncatedBytes()).isZero();
            assertThat(j.append("d4", "{\"n\":4}").index()).isEqualTo(3);
        }
        StringWriter out = new StringWriter();
        Journal.exportJsonl(Journal.read(file()), out);
        assertThat(out.toString()).isEqualTo("{\"n\":1}\n{\"n\":2,\"text\":\"σ ^ 2\"}\n{\"n\":3}\n{\"n\":4}\n");
        assertThat(Journal.isJournal(file())).isTrue();
    }

    @Test
    void shouldStoreARetriedIdOnceAndAcknowledgeItAgain() throws IOException {
        try (Journal j = Journal.open(file())) {
            Journal.Receipt first = j.append("req-1", "{\"answer\":\"ab\"}");
            long size = Files.size(file());
            Journal.Receipt again = j.append("req-1", "{\"answer\":\"ab\"}");
            assertThat(first.duplicate()).isFalse();
            assertThat(again.duplicate()).isTrue();
            assertThat(again.index()).isEqualTo(first.index());
            assertThat(Files.size(file())).isEqualTo(size);
            assertThatThrownBy(() -> j.append("req-1", "{\"answer\":\"cd\"}"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'req-1' is already used");
        }
        try (Journal j = Journal.open(file())) {
            assertThat(j.append("req-1", "{\"answer\":\"ab\"}").duplicate()).isTrue();
            assertThat(j.size()).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseBadIdsAndMultiLinePayloads() throws IOException {
        try (Journal j = Journal.open(file())) {
            assertThatThrownBy(() -> j.append("../x", "{}")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'../x'");
            assertThatThrownBy(() -> j.append("", "{}")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> j.append("ok", "{}\n{}")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("line break");
            assertThat(j.size()).isZero();
        }
    }

    @Test
    void shouldCutATornLastRecordAtEveryLengthAndWarn() throws IOException {
        long[] at = three();
        byte[] whole = Files.readAllBytes(file());
        for (long cut = at[2] + 1; cut < at[3]; cut++) {
            Files.write(file(), java.util.Arrays.copyOf(whole, (int) cut));
            try (Journal j = Journal.open(file())) {
                assertThat(ids(j)).as("cut at %d", cut).containsExactly("a1", "b2");
                assertThat(j.truncatedBytes()).isEqualTo(cut - at[2]);
                assertThat(Files.size(file())).isEqualTo(at[2]);
                j.append("c3", "{\"n\":3}");   // appending goes on where the intact records end
            }
            assertThat(Files.readAllBytes(file())).isEqualTo(whole);
        }
    }

    @Test
    void shouldTreatALastRecordWithABadChecksumOrTrailingZerosAsTorn() throws IOException {
        long[] at = three();
        byte[] flipped = Files.readAllBytes(file());
        flipped[(int) at[3] - 2] ^= 0x01;   // inside the last record's body
        Files.write(file(), flipped);
        try (Journal j = Journal.open(file())) {
            assertThat(ids(j)).containsExactly("a1", "b2");
        }
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.allocate(100));   // zeros: a size that grew before its data reached disk
        }
        try (Journal j = Journal.open(file())) {
            assertThat(ids(j)).containsExactly("a1", "b2");
            assertThat(j.truncatedBytes()).isEqualTo(100);
        }
    }

    @Test
    void shouldRefuseACorruptedMiddleRecordNamingItsOffsetAndLeaveTheFileAlone() throws IOException {
        long[] at = three();
        for (long flip : new long[] {at[1] + 1, at[1] + 5, at[1] + 9, at[1] + Journal.HEADER + 3, at[2] - 1}) {
            byte[] bytes = Files.readAllBytes(file());
            bytes[(int) flip] ^= 0x40;
            Path bad = dir.resolve("bad-" + flip + ".journal");
            Files.write(bad, bytes);
            assertThatThrownBy(() -> Journal.open(bad)).as("byte %d flipped", flip)
                    .isInstanceOf(JournalException.class)
                    .hasMessageContaining(bad.toString())
                    .hasMessageContaining("record at byte offset " + at[1] + " is corrupted");
            assertThat(Files.readAllBytes(bad)).isEqualTo(bytes);
            assertThatThrownBy(() -> Journal.read(bad)).isInstanceOf(JournalException.class);
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotAJournal() throws IOException {
        Path other = dir.resolve("metrics.jsonl");
        Files.writeString(other, "{\"step\":1}\n");
        assertThatThrownBy(() -> Journal.open(other)).isInstanceOf(JournalException.class)
                .hasMessageContaining("not a journal");
        assertThat(Journal.isJournal(other)).isFalse();
    }

    @Test
    void shouldNotAcknowledgeARecordWhoseFsyncFailedAndTakeRecordsAgainOnceTheDiskHasRoom() throws IOException {
        three();
        boolean[] full = {true};
        try (Journal j = Journal.open(file(), ch -> {
            if (full[0]) {
                throw new IOException("injected: No space left on device");
            }
            ch.force(true);
        })) {
            assertThatThrownBy(() -> j.append("d4", "{\"n\":4}")).isInstanceOf(JournalException.class)
                    .hasMessageContaining("not acknowledged").hasMessageContaining("No space left");
            // still full: the reopening's own sync fails, and nothing is acknowledged
            assertThatThrownBy(() -> j.append("e5", "{\"n\":5}")).isInstanceOf(JournalException.class)
                    .hasMessageContaining("reopening it failed too").hasMessageContaining("No space left");
            assertThat(j.size()).isEqualTo(3);
            full[0] = false;   // room again: the same journal, no restart
            assertThat(j.append("e5", "{\"n\":5}").index()).isEqualTo(3);
        }
        try (Journal j = Journal.open(file())) {
            assertThat(ids(j)).containsExactly("a1", "b2", "c3", "e5");
            assertThat(j.truncatedBytes()).isZero();
        }
    }

    @Test
    void shouldReadATornJournalWithoutChangingIt() throws IOException {
        long[] at = three();
        byte[] torn = java.util.Arrays.copyOf(Files.readAllBytes(file()), (int) at[3] - 3);
        Files.write(file(), torn);
        assertThat(Journal.read(file())).extracting(Journal.Entry::id).containsExactly("a1", "b2");
        assertThat(Files.readAllBytes(file())).isEqualTo(torn);
    }
}
