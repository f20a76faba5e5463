package dev.ida4j.loop;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Part of a generation batch before it enters a replay buffer: one record per context (facts, questions, targets),
 * and per question, in order, the teacher's own answer, whether the curriculum judges it, its class and whether the
 * teacher's answer and the target are right. In a data-parallel job each rank makes the part of its shards and every
 * rank adds every part, in shard order ({@link #toBytes}, {@link #fromBytes}); the trees kept for a trace stay with
 * the rank that made them.
 */
final class GenerationPart {
    private final List<int[]> records = new ArrayList<>();
    private final List<int[]> direct = new ArrayList<>();
    private final List<String> classes = new ArrayList<>();
    private final List<Byte> flags = new ArrayList<>();   // bit 0 judged, 1 teacher right, 2 target right
    private final Generation.Traced traced;

    GenerationPart(Generation.Traced traced) {
        this.traced = traced;
    }

    void addContext(int[] record) {
        records.add(record);
    }

    void addQuestion(int[] teacherAnswer, boolean judged, String questionClass, boolean teacherRight,
                     boolean targetRight) {
        direct.add(teacherAnswer);
        classes.add(questionClass);
        flags.add((byte) ((judged ? 1 : 0) | (teacherRight ? 2 : 0) | (targetRight ? 4 : 0)));
    }

    List<int[]> records() {
        return records;
    }

    /** The teacher's answer to question {@code q} (counted over every context of the part). */
    int[] direct(int q) {
        return direct.get(q);
    }

    boolean judged(int q) {
        return (flags.get(q) & 1) != 0;
    }

    String questionClass(int q) {
        return classes.get(q);
    }

    boolean teacherRight(int q) {
        return (flags.get(q) & 2) != 0;
    }

    boolean targetRight(int q) {
        return (flags.get(q) & 4) != 0;
    }

    /** The trees kept for a trace, or null (never sent to other ranks). */
    Generation.Traced traced() {
        return traced;
    }

    /** Several parts, in order, as bytes. */
    static byte[] toBytes(List<GenerationPart> parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(parts.size());
            for (GenerationPart p : parts) {
                out.writeInt(p.records.size());
                for (int[] r : p.records) {
                    ints(out, r);
                }
                out.writeInt(p.direct.size());
                for (int q = 0; q < p.direct.size(); q++) {
                    ints(out, p.direct.get(q));
                    out.writeUTF(p.classes.get(q));
                    out.writeByte(p.flags.get(q));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The parts {@link #toBytes} wrote, without trees. */
    static List<GenerationPart> fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int n = in.readInt();
            List<GenerationPart> parts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                GenerationPart p = new GenerationPart(null);
                for (int c = in.readInt(); c > 0; c--) {
                    p.records.add(ints(in));
                }
                for (int q = in.readInt(); q > 0; q--) {
                    p.direct.add(ints(in));
                    p.classes.add(in.readUTF());
                    p.flags.add(in.readByte());
                }
                parts.add(p);
            }
            return parts;
        } catch (IOException e) {
            throw new UncheckedIOException("a generation part from another rank is damaged", e);
        }
    }

    private static void ints(DataOutputStream out, int[] a) throws IOException {
        out.writeInt(a.length);
        for (int v : a) {
            out.writeInt(v);
        }
    }

    private static int[] ints(DataInputStream in) throws IOException {
        int[] a = new int[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readInt();
        }
        return a;
    }
}
