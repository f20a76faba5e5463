package dev.ida4j.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.TestBackends;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A checkpoint written by Java, read by {@code benchmarks/tools/read_safetensors.py} (Python's json and struct, no
 * ida4j code): same tensor names, dtypes and shapes, bit-identical sums, and the CRC32Cs that state.json records.
 */
class IndependentReaderTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("benchmarks/tools/read_safetensors.py").toAbsolutePath();
    // Python's json writes NaN and -Infinity for sums of such values
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    @TempDir
    Path run;

    @Test
    void shouldAgreeWithAnIndependentPythonReader() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON + " on this machine");
        try (Backend backend = TestBackends.reference(); Fixture saved = new Fixture("saved").randomize(8)) {
            Path dir = new Checkpoints(backend).save(run, 3, saved.files(), Fixture.state(3, new Rng(3)), 3);
            JsonNode recorded = JSON.readTree(dir.resolve("state.json").toFile()).get("files");

            for (Map.Entry<String, List<Tensor>> f : saved.files().entrySet()) {
                String name = f.getKey() + ".safetensors";
                List<String> lines = python(dir.resolve(name));
                assertThat(lines).as(name).hasSameSizeAs(f.getValue());
                for (int i = 0; i < lines.size(); i++) {
                    Tensor t = f.getValue().get(i);
                    JsonNode line = JSON.readTree(lines.get(i));
                    assertThat(line.get("name").stringValue()).isEqualTo(t.name());
                    assertThat(line.get("dtype").stringValue()).isEqualTo(t.dtype().name());
                    assertThat(JSON.treeToValue(line.get("shape"), int[].class)).containsExactly(t.shape());
                    assertThat(line.get("sum").doubleValue()).as(t.name()).isEqualTo(Double.valueOf(sum(t))); // boxed: NaN equals NaN
                    assertThat(line.get("crc32c").stringValue())
                            .isEqualTo(recorded.get(name).get("tensors").get(t.name()).stringValue());
                }
            }
        }
    }

    /** Element sum in file order, in double, as the script computes it. */
    private static double sum(Tensor t) {
        double s = 0;
        for (long i = 0; i < t.numel(); i++) {
            s += t.dtype() == DType.F32 ? t.get(i) : t.getInt(i);
        }
        return s;
    }

    private static List<String> python(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }
}
