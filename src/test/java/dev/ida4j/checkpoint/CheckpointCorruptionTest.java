package dev.ida4j.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A load refuses any damaged checkpoint, names the file (and the tensor where one is to blame), and leaves the
 * caller's tensors untouched: every single-byte change of every file, truncations, missing files, and tensors that
 * do not match the caller's.
 */
class CheckpointCorruptionTest {
    private static final List<String> FILES = List.of("model.safetensors", "optimizer.safetensors", "state.json");

    @TempDir
    Path run;

    private final Backend backend = TestBackends.reference();
    private final Checkpoints checkpoints = new Checkpoints(backend);
    private final Fixture saved = new Fixture("saved").randomize(3);
    private final Fixture target = new Fixture("target").randomize(4); // what must survive a refused load
    private Path dir;
    private List<Integer> before;

    @BeforeEach
    void save() throws IOException {
        dir = checkpoints.save(run, 42, saved.files(), Fixture.state(42, new Rng(42)), 3);
        before = target.bits();
    }

    @AfterEach
    void close() {
        saved.close();
        target.close();
        backend.close();
    }

    /** Loading must fail naming {@code file}; the target tensors keep every bit. Returns the message. */
    private String refused(String file) {
        Throwable t = catchThrowable(() -> checkpoints.load(dir, target.files()));
        assertThat(t).isInstanceOf(CheckpointException.class).hasMessageContaining(dir.resolve(file).toString());
        assertThat(target.bits()).as("nothing filled").isEqualTo(before);
        return t.getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.safetensors", "optimizer.safetensors", "state.json"})
    void shouldRefuseEverySingleByteChange(String name) throws IOException {
        Path file = dir.resolve(name);
        byte[] good = Files.readAllBytes(file);
        List<String> messages = new ArrayList<>();
        for (int mask : new int[] {0x01, 0xFF}) {
            for (int i = 0; i < good.length; i++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) mask;
                Files.write(file, bad);
                messages.add(refused(name));
            }
        }
        Files.write(file, good);
        assertThat(checkpoints.load(dir, target.files())).isNotNull();
        assertThat(target.bits()).isEqualTo(saved.bits());
        assertThat(messages).hasSize(2 * good.length);
    }

    @Test
    void shouldNameTheTensorWhoseDataChanged() throws IOException {
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        long header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // data order: student.w (15 floats), student.b (7), teacher.w, teacher.b, data.ids
        int teacherW = (int) (8 + header + (15 + 7) * 4 + 5);
        bytes[teacherW] ^= 0x10;
        Files.write(file, bytes);

        assertThat(refused("model.safetensors")).contains("tensor 'teacher.w'").contains("checksum mismatch");
    }

    @Test
    void shouldRefuseAHeaderWhitespaceChangeThatStillParses() throws IOException {
        Path file = dir.resolve("optimizer.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        long header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int pad = (int) (8 + header - 1);
        assertThat((char) bytes[pad]).as("the header ends in padding").isEqualTo(' ');
        bytes[pad] = '\t'; // still valid JSON, same tensors: only the header checksum can tell
        Files.write(file, bytes);

        assertThat(refused("optimizer.safetensors")).contains("header checksum mismatch");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 100, -4, -1})
    void shouldRefuseATruncatedFile(int cut) throws IOException {
        for (String name : FILES) {
            Path file = dir.resolve(name);
            byte[] good = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(good, cut >= 0 ? Math.min(cut, good.length - 1) : good.length + cut));

            refused(name);
            Files.write(file, good);
        }
    }

    @Test
    void shouldRefuseMissingFiles() throws IOException {
        for (String name : FILES) {
            Path file = dir.resolve(name);
            byte[] good = Files.readAllBytes(file);
            Files.delete(file);

            assertThat(refused(name)).contains("missing");
            Files.write(file, good);
        }
    }

    @Test
    void shouldRefuseAnotherFormatVersionEvenWithAValidChecksum() throws IOException {
        Path file = dir.resolve("state.json");
        String json = Files.readString(file).replace("\"format_version\":1", "\"format_version\":2");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        byte[] crc = Crc.hex(Crc.of(bytes, 19, bytes.length)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(crc, 0, bytes, 11, 8);
        Files.write(file, bytes);

        assertThat(refused("state.json")).contains("format_version 2 is not supported");
    }

    @Test
    void shouldRefuseACheckpointMovedToAnotherStep() throws IOException {
        Path moved = Files.move(dir, run.resolve("checkpoints/step-43"));
        dir = moved;

        assertThat(refused("state.json")).contains("records step 42");
    }

    @Test
    void shouldRefuseTensorsThatDoNotMatchTheCallers() {
        Tensor wrongShape = target.arena.allocate("student.w", DType.F32, 5, 3);
        Tensor wrongDtype = target.arena.allocate("student.w", DType.I32, 3, 5);
        Tensor unknown = target.arena.allocate("student.x", DType.F32, 1);
        List<Tensor> model = target.files().get("model");
        List<Tensor> optimizer = target.files().get("optimizer");

        assertThat(refusedWith(Map.of("model", replaced(model, wrongShape), "optimizer", optimizer), "model.safetensors"))
                .contains("tensor 'student.w'").contains("F32[3, 5] in the file").contains("F32[5, 3]");
        assertThat(refusedWith(Map.of("model", replaced(model, wrongDtype)), "model.safetensors"))
                .contains("tensor 'student.w'").contains("I32[3, 5]");
        List<Tensor> withUnknown = new ArrayList<>(model);
        withUnknown.add(unknown);
        assertThat(refusedWith(Map.of("model", withUnknown), "model.safetensors"))
                .contains("tensor 'student.x'").contains("missing from the file");
        assertThat(refusedWith(Map.of("model", model.subList(1, model.size())), "model.safetensors"))
                .contains("tensor 'student.w'").contains("not among the caller's tensors");
        assertThat(refusedWith(Map.of("ema", model), "ema.safetensors")).contains("not in this checkpoint");
    }

    @Test
    void shouldLoadASubsetOfTheFiles() throws IOException {
        Map<String, List<Tensor>> onlyModel = new LinkedHashMap<>();
        onlyModel.put("model", target.files().get("model"));

        assertThat(checkpoints.load(dir, onlyModel).get("data_cursor").longValue()).isEqualTo(42 * 64);
        assertThat(target.student.get("w").getInt(3)).isEqualTo(saved.student.get("w").getInt(3));
        assertThat(target.m.get("w").getInt(3)).as("optimizer not loaded").isNotEqualTo(saved.m.get("w").getInt(3));
    }

    private static List<Tensor> replaced(List<Tensor> tensors, Tensor replacement) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : tensors) {
            out.add(t.name().equals(replacement.name()) ? replacement : t);
        }
        return out;
    }

    private String refusedWith(Map<String, List<Tensor>> into, String file) {
        Throwable t = catchThrowable(() -> checkpoints.load(dir, into));
        assertThat(t).isInstanceOf(CheckpointException.class).hasMessageContaining(dir.resolve(file).toString());
        assertThat(target.bits()).as("nothing filled").isEqualTo(before);
        return t.getMessage();
    }

    @Test
    void shouldRefuseAStateFileThatIsNotOne() throws IOException {
        Files.writeString(dir.resolve("state.json"), "{\"step\":42}\n");

        assertThat(refused("state.json")).contains("does not start with");
        assertThatThrownBy(() -> checkpoints.load(run, target.files())).hasMessageContaining("state.json")
                .hasMessageContaining("missing");
    }
}
