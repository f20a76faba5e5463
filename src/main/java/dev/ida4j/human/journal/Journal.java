package dev.ida4j.human.journal;

import dev.ida4j.io.FileSync;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * An append-only journal of records, each a submitter's id and a one-line payload (a JSON object, for the
 * transcripts), in one file:
 * <pre>
 * file   | magic "IDA4JJ1\n" (8 bytes) | record | record | ...
 * record | L = body length (u32 LE) | CRC32C of L's 4 bytes (u32 LE) | CRC32C of the body (u32 LE) | body (L bytes) |
 * body   | id length (u16 LE) | id (UTF-8, [A-Za-z0-9_-]{1,128}) | payload (UTF-8, no line breaks) |
 * </pre>
 *
 * <p>{@link #append} writes one record and fsyncs the file before it returns: a returned {@link Receipt} is the
 * acknowledgment that the record survives a crash. An id already in the journal with the same payload is
 * acknowledged again without writing (a retried submission); with another payload it is refused. A failed write or
 * fsync is cut back, and the next append first reopens the file: after a failed fsync the kernel may have dropped the
 * dirty pages, so a retried fsync on the same descriptor could acknowledge bytes that are lost. Reopening reads the
 * file back through a new descriptor, checks that every acknowledged record is there, intact, cuts anything after
 * them and syncs; only then is the new record written (and while the disk is still full, it fails again, saying so).
 *
 * <p>Opening scans every record. A torn last record (a crash during an append, so never acknowledged: a partial
 * header or body, a body whose checksum fails and that ends the file, or zeros to the end) is cut off with a warning;
 * any other damage refuses the file with an error naming the record's byte offset. Records are kept in memory
 * (human judgments: thousands, not millions). Thread-safe: appends are serialized.
 */
public final class Journal implements Closeable {
    static final byte[] MAGIC = "IDA4JJ1\n".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 12;
    static final int MAX_BODY = 1 << 20;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final System.Logger LOG = System.getLogger(Journal.class.getName());

    /** One record: where it starts in the file, its id and its payload. */
    public record Entry(long offset, String id, String payload) {
    }

    /** The acknowledgment of an append: the record's index and entry, and whether it was already there. */
    public record Receipt(int index, Entry entry, boolean duplicate) {
    }

    /** Makes the channel's bytes durable; tests inject one that fails. */
    @FunctionalInterface
    interface Sync {
        void force(FileChannel channel) throws IOException;
    }

    private final Path file;
    private FileChannel channel;
    private final Sync sync;
    private final List<Entry> entries;
    private final Map<String, Integer> byId = new HashMap<>();
    private final long truncatedBytes;
    private long end;
    private IOException failure;

    private Journal(Path file, FileChannel channel, Sync sync, Scan scan, long truncatedBytes) {
        this.file = file;
        this.channel = channel;
        this.sync = sync;
        this.entries = new ArrayList<>(scan.entries);
        for (int i = 0; i < entries.size(); i++) {
            byId.put(entries.get(i).id(), i);
        }
        this.end = scan.end;
        this.truncatedBytes = truncatedBytes;
    }

    /** Opens {@code file} for appending, creating it (and its directory) when absent; see the class comment. */
    public static Journal open(Path file) throws IOException {
        return open(file, ch -> ch.force(true));
    }

    static Journal open(Path file, Sync sync) throws IOException {
        if (Files.notExists(file)) {
            create(file);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            byte[] bytes = readAll(file, ch);
            if (bytes.length < MAGIC.length && Arrays.equals(bytes, Arrays.copyOf(MAGIC, bytes.length))) {
                // a crash while the file was created: nothing was ever acknowledged in it
                LOG.log(System.Logger.Level.WARNING, "journal " + file + ": rewriting its torn " + bytes.length
                        + "-byte start");
                ch.write(ByteBuffer.wrap(MAGIC), 0);
                sync.force(ch);
                bytes = MAGIC.clone();
            }
            Scan scan = scan(file, bytes);
            long torn = bytes.length - scan.end;
            if (torn > 0) {
                LOG.log(System.Logger.Level.WARNING, "journal " + file + ": cut off a torn last record of " + torn
                        + " bytes at byte offset " + scan.end + " (a crash during a write; it was never acknowledged)");
                ch.truncate(scan.end);
                sync.force(ch);
            }
            return new Journal(file, ch, sync, scan, torn);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The records of {@code file}, read only: a torn last record is ignored with a warning, not cut off. */
    public static List<Entry> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Scan scan = scan(file, readAll(file, ch));
            if (scan.end < ch.size()) {
                LOG.log(System.Logger.Level.WARNING, "journal " + file + ": ignoring a torn last record at byte offset "
                        + scan.end);
            }
            return scan.entries;
        }
    }

    /**
     * The bytes after the last whole record of {@code file}: a torn last record that {@link #read} ignores and
     * {@link #open} cuts off (0 for an intact journal).
     */
    public static long tornBytes(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.size() - scan(file, readAll(file, ch)).end;
        }
    }

    /** Writes each record's payload as one line: a JSON Lines file when the payloads are JSON objects. */
    public static void exportJsonl(List<Entry> entries, Writer out) throws IOException {
        for (Entry e : entries) {
            out.write(e.payload());
            out.write('\n');
        }
    }

    /** Whether {@code file} starts like a journal (rather than, say, its JSON Lines export). */
    public static boolean isJournal(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        }
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(MAGIC));
            ch.force(true);
        }
        FileSync.fsync().sync(dir);   // the new file's name is durable too
    }

    private static byte[] readAll(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size > Integer.MAX_VALUE - 64) {
            throw new JournalException(file, "is " + size + " bytes, more than this reader holds in memory");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
            // read until full
        }
        return buf.array();
    }

    private record Scan(List<Entry> entries, long end) {
    }

    /** The intact records and where they end; throws at the first damaged record that is not a torn tail. */
    private static Scan scan(Path file, byte[] b) throws JournalException {
        if (b.length < MAGIC.length || !Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new JournalException(file, "does not start with the journal's magic bytes: not a journal");
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        List<Entry> entries = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        int at = MAGIC.length;
        while (at < b.length) {
            if (b.length - at < HEADER) {
                return new Scan(entries, at);
            }
            int length = buf.getInt(at);
            if (crc(b, at, 4) != buf.getInt(at + 4)) {
                if (zeros(b, at)) {
                    return new Scan(entries, at);
                }
                throw corrupt(file, at, "its length field fails its checksum");
            }
            if (length < 2 || length > MAX_BODY) {
                throw corrupt(file, at, "its length " + Integer.toUnsignedString(length) + " is outside 2.." + MAX_BODY);
            }
            int bodyAt = at + HEADER;
            if ((long) bodyAt + length > b.length) {
                return new Scan(entries, at);
            }
            if (crc(b, bodyAt, length) != buf.getInt(at + 8)) {
                if (bodyAt + length == b.length) {
                    return new Scan(entries, at);
                }
                throw corrupt(file, at, "its body fails its checksum");
            }
            int idLength = Short.toUnsignedInt(buf.getShort(bodyAt));
            if (2 + idLength > length) {
                throw corrupt(file, at, "its id length " + idLength + " exceeds its body");
            }
            String id = utf8(file, at, b, bodyAt + 2, idLength);
            String payload = utf8(file, at, b, bodyAt + 2 + idLength, length - 2 - idLength);
            if (!ID.matcher(id).matches()) {
                throw corrupt(file, at, "its id is not 1..128 of [A-Za-z0-9_-]");
            }
            Long first = seen.putIfAbsent(id, (long) at);
            if (first != null) {
                throw corrupt(file, at, "it repeats the id '" + id + "' of the record at byte offset " + first);
            }
            entries.add(new Entry(at, id, payload));
            at = bodyAt + length;
        }
        return new Scan(entries, at);
    }

    private static JournalException corrupt(Path file, long offset, String why) {
        return new JournalException(file, "the record at byte offset " + offset + " is corrupted (" + why
                + "); the records before it are intact. Refusing to open: keep a copy, then inspect it or cut the"
                + " file at that offset");
    }

    private static boolean zeros(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String utf8(Path file, long record, byte[] b, int from, int length) throws JournalException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, from, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw corrupt(file, record, "it holds invalid UTF-8");
        }
    }

    private static int crc(byte[] b, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b, from, length);
        return (int) crc.getValue();
    }

    /**
     * Stores {@code payload} under {@code id} and returns once it is durable; a retried id with the same payload
     * is acknowledged again without writing.
     *
     * @throws IllegalArgumentException if the id is malformed, already holds another payload, or the payload has a
     *     line break or exceeds 1 MiB
     * @throws JournalException if the write or fsync failed (nothing acknowledged), now or in an earlier append
     */
    public synchronized Receipt append(String id, String payload) throws IOException {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("journal record id '" + id + "' is not 1..128 of [A-Za-z0-9_-]");
        }
        if (payload.indexOf('\n') >= 0 || payload.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("journal record '" + id + "': the payload holds a line break");
        }
        Integer known = byId.get(id);
        if (known != null) {
            Entry e = entries.get(known);
            if (!e.payload().equals(payload)) {
                throw new IllegalArgumentException("journal record id '" + id + "' is already used by another record"
                        + " (byte offset " + e.offset() + ")");
            }
            return new Receipt(known, e, true);
        }
        if (failure != null) {
            reopen();
        }
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] payloadBytes = payload.getBytes(StandardCharsets.UTF_8);
        int length = 2 + idBytes.length + payloadBytes.length;
        if (length > MAX_BODY) {
            throw new IllegalArgumentException("journal record '" + id + "' is " + length + " bytes, over "
                    + MAX_BODY);
        }
        ByteBuffer record = ByteBuffer.allocate(HEADER + length).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(0, length);
        record.putInt(4, crc(record.array(), 0, 4));
        record.putShort(HEADER, (short) idBytes.length);
        record.put(HEADER + 2, idBytes);
        record.put(HEADER + 2 + idBytes.length, payloadBytes);
        record.putInt(8, crc(record.array(), HEADER, length));
        try {
            while (record.hasRemaining()) {
                channel.write(record, end + record.position());
            }
            sync.force(channel);
        } catch (IOException e) {
            failure = e;
            try {
                channel.truncate(end);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new JournalException(file, "could not save record '" + id + "'; it is not acknowledged: "
                    + e.getMessage(), e);
        }
        Entry entry = new Entry(end, id, payload);
        end += record.capacity();
        entries.add(entry);
        byId.put(id, entries.size() - 1);
        return new Receipt(entries.size() - 1, entry, false);
    }

    /**
     * After a failed write: a new descriptor onto the file, whose acknowledged records must all read back intact;
     * what follows them is cut off and synced.
     *
     * @throws JournalException when that fails (the journal keeps refusing; the next append tries again)
     */
    private void reopen() throws IOException {
        FileChannel fresh = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            Scan scan = scan(file, readAll(file, fresh));
            if (scan.end < end || scan.entries.size() < entries.size()
                    || !scan.entries.subList(0, entries.size()).equals(entries)) {
                throw new JournalException(file, "its acknowledged records no longer read back intact after a failed"
                        + " write (" + failure.getMessage() + ")");
            }
            fresh.truncate(end);
            sync.force(fresh);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e instanceof JournalException j ? j : new JournalException(file, "refuses records after a failed"
                    + " write (" + failure.getMessage() + "); reopening it failed too: " + e.getMessage(), e);
        }
        channel.close();
        channel = fresh;
        failure = null;
    }

    /** The records, oldest first. */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public synchronized int size() {
        return entries.size();
    }

    public Path file() {
        return file;
    }

    /** How many bytes of a torn last record opening cut off (0 when the file ended cleanly). */
    public long truncatedBytes() {
        return truncatedBytes;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
