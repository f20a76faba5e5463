package dev.ida4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The safetensors writer's output read back, and the reader's refusal of every kind of malformed file. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    private final TensorArena arena = TensorArena.host("safetensors-test");

    @AfterEach
    void closeArena() {
        arena.close();
    }

    @Test
    void shouldRoundTripTensorsMetadataAndEveryBit() throws IOException {
        float[] f = {1.5f, -0f, Float.NaN, Float.intBitsToFloat(0x7fc00001), Float.POSITIVE_INFINITY, Float.MIN_VALUE};
        SequencedMap<String, Tensor> out = new LinkedHashMap<>();
        out.put("weights", arena.allocate("w", DType.F32, 2, 3).copyFrom(f));
        out.put("ids", arena.allocate("ids", DType.I32, 5).copyFrom(new int[] {0, -1, Integer.MIN_VALUE, 7, 255}));
        out.put("empty", arena.allocate("empty", DType.F32, 0, 4));
        out.put("scalar", arena.allocate("scalar", DType.F32).copyFrom(new float[] {42f}));
        Map<String, String> meta = Map.of("step", "12", "note", "é ünïcode \"quoted\"");
        Path file = dir.resolve("round.safetensors");

        SafeTensors.write(file, meta, out);
        try (TensorArena in = TensorArena.host("read")) {
            SafeTensors st = SafeTensors.read(file, in);

            assertThat(st.tensors().keySet()).containsExactly("weights", "ids", "empty", "scalar");
            assertThat(st.metadata()).isEqualTo(meta);
            Tensor w = st.tensor("weights");
            assertThat(w.dtype()).isEqualTo(DType.F32);
            assertThat(w.shape()).containsExactly(2, 3);
            assertThat(bits(w.toFloatArray())).containsExactly(bits(f));
            assertThat(st.tensor("ids").dtype()).isEqualTo(DType.I32);
            assertThat(st.tensor("ids").toIntArray()).containsExactly(0, -1, Integer.MIN_VALUE, 7, 255);
            assertThat(st.tensor("empty").shape()).containsExactly(0, 4);
            assertThat(st.tensor("scalar").shape()).isEmpty();
            assertThat(st.tensor("scalar").get(0)).isEqualTo(42f);
        }
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).as("data starts 8-aligned").isZero();
        assertThat(bytes.length).isEqualTo(8 + n + 6 * 4 + 5 * 4 + 4);
        assertThat(bytes[(int) (8 + n - 1)]).as("padding is spaces or the closing brace").isIn((byte) ' ', (byte) '}');

        Path again = dir.resolve("again.safetensors");
        SafeTensors.write(again, new LinkedHashMap<>(meta), out);
        assertThat(Files.readAllBytes(again)).as("same arguments, same bytes").isEqualTo(bytes);
        assertThat(dir.resolve("again.safetensors.tmp")).doesNotExist();
    }

    @Test
    void shouldNameTheFileWhenATensorIsMissing() throws IOException {
        Path file = dir.resolve("one.safetensors");
        SafeTensors.write(file, Map.of(), new LinkedHashMap<>(Map.of("a", arena.allocate("a", DType.F32, 1))));

        SafeTensors st = SafeTensors.read(file, arena);

        assertThat(st.metadata()).isEmpty();
        assertThatThrownBy(() -> st.tensor("b")).hasMessageContaining(file.toString()).hasMessageContaining("'b'");
    }

    @Test
    void shouldRefuseToWriteATensorNamedLikeTheMetadata() {
        Path file = dir.resolve("bad.safetensors");
        SequencedMap<String, Tensor> out = new LinkedHashMap<>(Map.of("__metadata__", arena.allocate("m", DType.F32, 1)));

        assertThatThrownBy(() -> SafeTensors.write(file, Map.of(), out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString());
        assertThat(file).doesNotExist();
    }

    // ---- header length ----

    @ParameterizedTest
    @ValueSource(longs = {-1L /* 2^64-1 */, Long.MIN_VALUE /* 2^63 */, SafeTensors.MAX_HEADER_BYTES + 1})
    void shouldRefuseAHeaderLengthOverTheCap(long n) throws IOException {
        Path file = withLength(n, "{}".getBytes(StandardCharsets.UTF_8));

        refusal(file).hasMessageContaining(Long.toUnsignedString(n)).hasMessageContaining("exceeds the cap");
    }

    @Test
    void shouldRefuseAHeaderOverTheCapWithoutAllocatingIt() throws IOException {
        // A sparse file long enough for the claimed header, so only the cap can stop the reader.
        Path file = dir.resolve("huge.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(SafeTensors.MAX_HEADER_BYTES + 1024);
            raf.write(le(SafeTensors.MAX_HEADER_BYTES + 1));
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        refusal(file).hasMessageContaining("exceeds the cap");

        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(SafeTensors.MAX_HEADER_BYTES / 10);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1})
    void shouldRefuseAHeaderTooShortForAnObject(long n) throws IOException {
        refusal(withLength(n, "{}".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("too short");
    }

    @Test
    void shouldRefuseAHeaderLengthThatCutsTheJson() throws IOException {
        byte[] valid = validFile();
        ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 7);

        refusal(write("cut.safetensors", valid)).hasMessageContaining("not valid JSON");
    }

    @Test
    void shouldRefuseAHeaderLengthPastTheEndOfTheFile() throws IOException {
        byte[] json = "{}".getBytes(StandardCharsets.UTF_8);

        refusal(withLength(json.length + 1, json)).hasMessageContaining("runs past the end");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 7, 8, 9, 40, -9, -8, -1})
    void shouldRefuseATruncatedFile(int cut) throws IOException {
        byte[] valid = validFile();
        int keep = cut >= 0 ? cut : valid.length + cut;

        refusal(write("truncated.safetensors", Arrays.copyOf(valid, keep)));
    }

    // ---- the header's content ----

    static Stream<Arguments> malformed() {
        return Stream.of(
                // name, header, data bytes, tensor named in the message (or null), fragment of the message
                Arguments.of("gap", "{'a':" + f32("[1]", 0, 4) + ",'b':" + f32("[1]", 8, 12) + "}", 12, "b", "gap after tensor 'a'"),
                Arguments.of("overlap", "{'a':" + f32("[2]", 0, 8) + ",'b':" + f32("[1]", 4, 8) + "}", 8, "b", "overlapping tensor 'a'"),
                Arguments.of("same range", "{'a':" + f32("[1]", 0, 4) + ",'b':" + f32("[1]", 0, 4) + "}", 4, "b", "overlapping"),
                Arguments.of("not from 0", "{'a':" + f32("[1]", 4, 8) + "}", 8, "a", "not 0"),
                Arguments.of("past EOF", "{'a':" + f32("[2]", 0, 8) + "}", 4, "a", "past the end"),
                Arguments.of("trailing bytes", "{'a':" + f32("[1]", 0, 4) + "}", 8, null, "4 trailing bytes"),
                Arguments.of("data but no tensors", "{}", 1, null, "1 trailing bytes"),
                Arguments.of("shape overflow", "{'a':" + f32("[2147483647,2147483647,2147483647]", 0, 4) + "}", 4, "a", "overflows"),
                Arguments.of("size mismatch", "{'a':" + f32("[2]", 0, 4) + "}", 4, "a", "needs 8"),
                Arguments.of("end before begin", "{'a':" + f32("[0]", 4, 0) + "}", 4, "a", "end before"),
                Arguments.of("unknown dtype", "{'a':{'dtype':'F16','shape':[1],'data_offsets':[0,2]}}", 2, "a", "unknown dtype"),
                Arguments.of("dtype not a string", "{'a':{'dtype':32,'shape':[1],'data_offsets':[0,4]}}", 4, "a", "unknown dtype"),
                Arguments.of("duplicate tensor", "{'a':" + f32("[1]", 0, 4) + ",'a':" + f32("[1]", 0, 4) + "}", 4, null, "Duplicate"),
                Arguments.of("duplicate field", "{'a':{'dtype':'F32','dtype':'F32','shape':[1],'data_offsets':[0,4]}}", 4, null, "Duplicate"),
                Arguments.of("duplicate metadata", "{'__metadata__':{'k':'1','k':'2'}}", 0, null, "Duplicate"),
                Arguments.of("bad JSON", "{'a':", 0, null, "not valid JSON"),
                Arguments.of("trailing JSON", "{} {}", 0, null, "not valid JSON"),
                Arguments.of("not an object", "[1, 2]", 0, null, "not a JSON object"),
                Arguments.of("entry not an object", "{'a':[0,4]}", 4, "a", "not a JSON object"),
                Arguments.of("unknown field", "{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4],'x':1}}", 4, "a", "unknown field 'x'"),
                Arguments.of("missing field", "{'a':{'dtype':'F32','shape':[1]}}", 4, "a", "missing field 'data_offsets'"),
                Arguments.of("shape not an array", "{'a':{'dtype':'F32','shape':1,'data_offsets':[0,4]}}", 4, "a", "not a JSON array"),
                Arguments.of("float dimension", "{'a':" + f32("[1.0]", 0, 4) + "}", 4, "a", "not an integer"),
                Arguments.of("negative dimension", "{'a':" + f32("[-1]", 0, 4) + "}", 4, "a", "not an integer"),
                Arguments.of("dimension over int", "{'a':" + f32("[2147483648]", 0, 4) + "}", 4, "a", "exceeds"),
                Arguments.of("offset of 2^64-1", "{'a':" + f32("[1]", 0, "18446744073709551615") + "}", 4, "a", "not an integer"),
                Arguments.of("three offsets", "{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4,8]}}", 4, "a", "not 2"),
                Arguments.of("metadata not strings", "{'__metadata__':{'k':1}}", 0, null, "'k' is not a string"),
                Arguments.of("metadata not an object", "{'__metadata__':'x'}", 0, null, "not a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldRefuseAMalformedHeader(String what, String header, int dataBytes, String tensor, String problem)
            throws IOException {
        Path file = withHeader(header.replace('\'', '"'), dataBytes);

        var refused = refusal(file).hasMessageContaining(problem);
        if (tensor != null) {
            refused.hasMessageContaining("tensor '" + tensor + "'");
        }
    }

    @Test
    void shouldRefuseAHeaderThatIsNotUtf8() throws IOException {
        byte[] json = {'{', '"', (byte) 0xff, '"', ':', '1', '}', ' '};

        refusal(withLength(json.length, json)).hasMessageContaining("not valid JSON");
    }

    @Test
    void shouldNameTheDuplicatedTensor() throws IOException {
        String header = "{'weight':" + f32("[1]", 0, 4) + ",'weight':" + f32("[1]", 0, 4) + "}";

        refusal(withHeader(header.replace('\'', '"'), 4)).hasMessageContaining("weight");
    }

    @Test
    void shouldAllocateNothingWhenTheHeaderIsRefused() throws IOException {
        Path file = withHeader(("{'a':" + f32("[1]", 0, 4) + ",'b':" + f32("[1]", 8, 12) + "}").replace('\'', '"'), 12);
        long before = arena.bytes();

        refusal(file);

        assertThat(arena.bytes()).isEqualTo(before);
    }

    // ---- helpers ----

    private AbstractThrowableAssert<?, ? extends Throwable> refusal(Path file) {
        return assertThatThrownBy(() -> SafeTensors.read(file, arena))
                .isInstanceOf(SafeTensorsException.class)
                .hasMessageStartingWith(file + ": ");
    }

    private static String f32(String shape, long begin, Object end) {
        return "{'dtype':'F32','shape':" + shape + ",'data_offsets':[" + begin + "," + end + "]}";
    }

    /** A file with {@code header} (length set to its size) and {@code dataBytes} zero bytes of data. */
    private Path withHeader(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return withLength(json.length, Arrays.copyOf(json, json.length + dataBytes));
    }

    /** A file whose header length field says {@code n}, followed by {@code rest}. */
    private Path withLength(long n, byte[] rest) throws IOException {
        byte[] bytes = Arrays.copyOf(le(n), 8 + rest.length);
        System.arraycopy(rest, 0, bytes, 8, rest.length);
        return write("hostile.safetensors", bytes);
    }

    private byte[] validFile() throws IOException {
        Path file = dir.resolve("valid.safetensors");
        SequencedMap<String, Tensor> out = new LinkedHashMap<>();
        out.put("a", arena.allocate("a", DType.F32, 4, 4));
        out.put("b", arena.allocate("b", DType.I32, 3));
        SafeTensors.write(file, Map.of("k", "v"), out);
        SafeTensors.read(file, arena); // the untouched file is fine
        return Files.readAllBytes(file);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] le(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
