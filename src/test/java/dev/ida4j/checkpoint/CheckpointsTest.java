package dev.ida4j.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.backend.ref.ReferenceBackend;
import dev.ida4j.io.FileSync;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.Allocator;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Saving, committing, pruning and loading checkpoints, and what happens when a sync fails. */
class CheckpointsTest {
    @TempDir
    Path run;

    private final Backend backend = TestBackends.reference();
    private final Checkpoints checkpoints = new Checkpoints(backend);
    private final Fixture saved = new Fixture("saved").randomize(1);
    private final Fixture loaded = new Fixture("loaded");

    @AfterEach
    void close() {
        saved.close();
        loaded.close();
        backend.close();
    }

    private Path save(long step) throws CheckpointException {
        return checkpoints.save(run, step, saved.files(), Fixture.state(step, new Rng(step)), 3);
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shouldRoundTripEveryBitAndTheState() throws IOException {
        Rng rng = new Rng(99);
        rng.nextLong();
        JsonNode state = Fixture.state(1200, rng);

        Path dir = checkpoints.save(run, 1200, saved.files(), state, 3);
        JsonNode back = checkpoints.load(dir, loaded.files());

        assertThat(dir).isEqualTo(run.resolve("checkpoints/step-1200"));
        assertThat(loaded.bits()).isEqualTo(saved.bits());
        // JSON does not keep Java's number types (a long 76800 comes back as an int node): compare the JSON
        assertThat(back.toString()).isEqualTo(state.toString());
        long[] words = new long[4];
        for (int i = 0; i < 4; i++) {
            words[i] = back.get("rng").get(i).longValue();
        }
        assertThat(Rng.fromState(words).nextLong()).as("the RNG continues where it was saved").isEqualTo(rng.nextLong());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model.safetensors", "optimizer.safetensors", "state.json");
        }
    }

    @Test
    void shouldMoveTensorsOfANonHostArenaThroughTheBackend() throws IOException {
        try (Backend plain = new ReferenceBackend(); // no device checks: the "device" here is host memory in disguise
             TensorArena device = new TensorArena("device", new FakeDevice());
             TensorArena host = TensorArena.host("host")) {
            Tensor w = device.allocate("student.w", DType.F32, 3, 5);
            Tensor back = device.allocate("student.w", DType.F32, 3, 5);
            plain.copyIn(w, saved.student.get("w").segment());
            Checkpoints onDevice = new Checkpoints(plain);

            Path dir = onDevice.save(run, 1, Map.of("model", List.of(w)), Fixture.JSON.createObjectNode(), 3);
            onDevice.load(dir, Map.of("model", List.of(back)));

            Tensor copy = host.allocate("copy", DType.F32, 3, 5);
            plain.copyOut(copy.segment(), back);
            assertThat(copy.toIntArray()).isEqualTo(saved.student.get("w").toIntArray());
            assertThatThrownBy(() -> back.get(0)).as("not host memory").hasMessageContaining("lives on fake:0");
        }
    }

    /** An allocator that claims its memory cannot be read by the host. */
    private static final class FakeDevice implements Allocator {
        private final Arena arena = Arena.ofShared();

        @Override
        public MemorySegment allocate(long bytes) {
            return arena.allocate(Math.max(bytes, 1), 64);
        }

        @Override
        public boolean hostAccessible() {
            return false;
        }

        @Override
        public String device() {
            return "fake:0";
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    @Test
    void shouldWriteTheSameBytesForTheSameArguments() throws IOException {
        Path first = save(1);
        Path second = save(2);

        for (String f : List.of("model.safetensors", "optimizer.safetensors")) {
            assertThat(Files.readAllBytes(second.resolve(f))).as(f).isEqualTo(Files.readAllBytes(first.resolve(f)));
        }
    }

    @Test
    void shouldRecordSizesAndChecksumsInTheStateFile() throws IOException {
        Path dir = save(7);
        JsonNode json = Fixture.JSON.readTree(dir.resolve("state.json").toFile());

        assertThat(json.propertyNames()).containsExactly("crc32c", "format", "format_version", "step", "files", "state");
        assertThat(json.get("format_version").intValue()).isEqualTo(1);
        assertThat(json.get("step").longValue()).isEqualTo(7);
        JsonNode model = json.get("files").get("model.safetensors");
        assertThat(model.get("bytes").longValue()).isEqualTo(Files.size(dir.resolve("model.safetensors")));
        assertThat(model.get("tensors").propertyNames()).containsExactly("student.w", "student.b", "teacher.w",
                "teacher.b", "data.ids");
        assertThat(model.get("tensors").get("data.ids").stringValue()).matches("[0-9a-f]{8}");
    }

    @Test
    void shouldKeepOnlyTheLastKCommittedCheckpoints() throws IOException {
        for (long step = 10; step <= 100; step += 10) {
            save(step);
            assertThat(Checkpoints.latest(run)).contains(run.resolve("checkpoints/step-" + step));
        }

        assertThat(entries()).containsExactly("step-100", "step-80", "step-90");
        assertThat(Checkpoints.committed(run)).extracting(p -> p.getFileName().toString())
                .containsExactly("step-80", "step-90", "step-100");
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.safetensors", "optimizer.safetensors", "state.json", ".tmp-step-2", "checkpoints"})
    void shouldAbandonACheckpointWhoseSyncFailsAndKeepThePreviousOne(String failing) throws IOException {
        save(1);
        List<Path> synced = new ArrayList<>();
        FileSync failAt = path -> {
            synced.add(path);
            String name = path.getFileName().toString();
            if (name.equals(failing) || failing.startsWith(".tmp") && name.startsWith(failing)) {
                throw new IOException("injected fsync failure (EIO)");
            }
            FileSync.fsync().sync(path);
        };

        assertThatThrownBy(() -> new Checkpoints(backend, failAt).save(run, 2, saved.files(), Fixture.state(2, new Rng(2)), 3))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("step-2").hasMessageContaining("earlier checkpoints kept")
                .hasMessageContaining("injected fsync failure");

        assertThat(synced).as("no sync is retried").doesNotHaveDuplicates();
        assertThat(Checkpoints.latest(run)).contains(run.resolve("checkpoints/step-1"));
        assertThat(entries()).containsExactly("step-1");
        assertThat(checkpoints.load(run.resolve("checkpoints/step-1"), loaded.files()).get("data_cursor").longValue())
                .isEqualTo(64);
        assertThat(loaded.bits()).isEqualTo(saved.bits());
        save(3);
        assertThat(entries()).as("the next save works").containsExactly("step-1", "step-3");
    }

    @Test
    void shouldSyncEveryFileThenTheTemporaryDirectoryThenCheckpoints() throws IOException {
        List<String> synced = new ArrayList<>();
        new Checkpoints(backend, path -> synced.add(run.relativize(path).toString()))
                .save(run, 5, saved.files(), Fixture.state(5, new Rng(5)), 3);

        assertThat(synced).hasSize(5);
        assertThat(synced.subList(0, 3)).allMatch(p -> p.startsWith("checkpoints/.tmp-step-5-"))
                .anyMatch(p -> p.endsWith("/model.safetensors")).anyMatch(p -> p.endsWith("/optimizer.safetensors"));
        assertThat(synced.get(2)).endsWith("/state.json");
        assertThat(synced.get(3)).matches("checkpoints/\\.tmp-step-5-[0-9a-f]+");
        assertThat(synced.get(4)).isEqualTo("checkpoints");
    }

    @Test
    void shouldIgnoreLeftoverAndMalformedDirectoriesAndCleanLeftoversOnTheNextSave() throws IOException {
        save(1);
        Path root = run.resolve("checkpoints");
        Path tmp = Files.createDirectories(root.resolve(".tmp-step-9-0123abcd"));
        Files.writeString(tmp.resolve("state.json"), "{}");
        Files.createDirectories(root.resolve("step-8")); // no state.json: never committed
        Files.createDirectories(root.resolve("step-007")).resolve("state.json").toFile().createNewFile();
        Files.createDirectories(root.resolve(".trash-step-0-feed"));

        assertThat(Checkpoints.latest(run)).contains(root.resolve("step-1"));

        save(10);
        assertThat(entries()).containsExactly("step-007", "step-1", "step-10", "step-8");
    }

    @Test
    void shouldReturnNothingForARunWithoutCheckpoints() throws IOException {
        assertThat(Checkpoints.latest(run)).isEmpty();
        assertThat(Checkpoints.latest(run.resolve("absent"))).isEmpty();
    }

    @Test
    void shouldRefuseAStepThatDoesNotMoveForward() throws IOException {
        save(5);

        assertThatThrownBy(() -> save(5)).isInstanceOf(CheckpointException.class).hasMessageContaining("step-5")
                .hasMessageContaining("only move forward");
        assertThatThrownBy(() -> save(4)).isInstanceOf(CheckpointException.class).hasMessageContaining("step-4");
        assertThat(entries()).containsExactly("step-5");
    }

    @Test
    void shouldRefuseBadArgumentsBeforeWritingAnything() {
        Tensor twin = saved.arena.allocate("student.w", DType.F32, 1);

        assertThatThrownBy(() -> checkpoints.save(run, 1, Map.of("model", List.of(saved.ids, twin, twin)),
                Fixture.JSON.createObjectNode(), 3)).hasMessageContaining("model.safetensors")
                .hasMessageContaining("two tensors are named 'student.w'");
        assertThatThrownBy(() -> checkpoints.save(run, 1, Map.of("../x", List.of()), Fixture.JSON.createObjectNode(), 3))
                .hasMessageContaining("'../x'");
        assertThatThrownBy(() -> checkpoints.save(run, 1, Map.of(), Fixture.JSON.createObjectNode(), 0))
                .hasMessageContaining("keepLast 0");
        assertThatThrownBy(() -> checkpoints.save(run, -1, Map.of(), Fixture.JSON.createObjectNode(), 3))
                .hasMessageContaining("step -1");
        assertThat(run.resolve("checkpoints")).doesNotExist();
    }
}
