package dev.ida4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.human.journal.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @RegisterExtension
    final StdStreams io = new StdStreams();
    @TempDir
    Path tmp;

    private Path trainedRun() {
        Path run = tmp.resolve("run");
        assertThat(Main.run("train", "--task", "wildcard-search", "--mode", "noasker", "--size", "4", "--steps", "2",
                "--log-every", "1", "--out", run.toString())).isZero();
        io.resetOut();
        return run;
    }

    @Test
    void shouldShowWhatARunHoldsAndVerifyEveryChecksum() {
        Path run = trainedRun();
        assertThat(Main.run("inspect", run.toString(), "--tensors")).isZero();
        assertThat(io.out()).contains("run " + run + ": 1 committed checkpoint (step-2); metrics.jsonl ")
                .contains("checkpoint " + run.resolve("checkpoints/step-2") + ": step 2, every checksum verified")
                .contains("task = 'wildcard-search'").contains("mode = 'noasker'")
                .containsPattern("model.safetensors +[\\d,]+ bytes  header crc32c [0-9a-f]{8}  \\d+ tensors, [\\d,]+"
                        + " elements, ok")
                .containsPattern("optimizer.safetensors .* ok").containsPattern("replay.safetensors .* ok")
                .containsPattern("student\\.fact\\.wte +f32\\[69, \\d+\\]  crc32c [0-9a-f]{8}");
    }

    @Test
    void shouldNameTheTensorWhoseBytesChangedAndExitOne() throws IOException {
        Path run = trainedRun();
        Path model = run.resolve("checkpoints/step-2/model.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 3] ^= 0x01;   // inside the last tensor's data
        Files.write(model, bytes);
        assertThat(Main.run("inspect", run.resolve("checkpoints/step-2").toString())).isEqualTo(1);
        assertThat(io.out()).contains("NOT VERIFIED").containsPattern("model.safetensors .* FAILED: .*checksum mismatch")
                .containsPattern("optimizer.safetensors .* ok");
    }

    @Test
    void shouldListASafetensorsFileAndRefuseWhatItCannotInspect() {
        Path run = trainedRun();
        assertThat(Main.run("inspect", run.resolve("checkpoints/step-2/replay.safetensors").toString(), "--tensors"))
                .isZero();
        assertThat(io.out()).contains("replay.safetensors: ").contains(" 1 tensor, ").contains("replay.x ").contains("carries no checksums");

        assertThat(Main.run("inspect", tmp.resolve("absent").toString())).isEqualTo(1);
        assertThat(io.err().strip())
                .isEqualTo("ida4j: " + tmp.resolve("absent") + ": no such file or directory");
        assertThat(Main.run("inspect", tmp.toString())).isEqualTo(2);
        assertThat(io.err()).contains("is neither a run directory");
    }

    @Test
    void shouldCountAJournalsTranscriptsAndFlagATornTail() throws IOException {
        Path file = tmp.resolve("transcripts.journal");
        String record = """
                {"id":"r1","task":"permutation-powering","size":4,"mode":"human","answers_by":"ground truth",\
                "facts":["aa -> bb","bb -> cc","cc -> dd","dd -> aa"],"question":"aa ^ 2",\
                "steps":[{"subquestion":"aa ^ 1","subanswer":"bb","by":"environment","proposed":null,\
                "verdict":"typed","rejected":[]},{"subquestion":"bb ^ 1","subanswer":"cc","by":"environment",\
                "proposed":null,"verdict":"typed","rejected":[]}],"answer":"cc","answer_proposed":null,\
                "answer_verdict":"typed","answer_rejected":[],"truth":"cc","correct":true,\
                "started":"2026-11-27T03:00:00Z","finished":"2026-11-27T03:01:00Z"}""";
        try (Journal j = Journal.open(file)) {
            j.append("r1", record);
            j.append("r2", record.replace("\"r1\"", "\"r2\"").replace("\"correct\":true", "\"correct\":false"));
        }
        assertThat(Main.run("inspect", file.toString(), "--tensors")).isZero();
        assertThat(io.out()).contains("2 whole transcript records, checksums verified; 1 correct against the ground"
                + " truth").contains("permutation-powering size 4, human: 2").containsPattern("#1 +offset [\\d,]+  id r2");

        io.resetOut();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 5] ^= 0x20;   // inside the last record's body
        Files.write(file, bytes);
        assertThat(Main.run("inspect", file.toString())).isEqualTo(1);
        assertThat(io.out()).contains("1 whole transcript record").contains("NOT VERIFIED: the last ");
    }
}
