package dev.ida4j.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class LoopConfigTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void shouldChangeOnlyTheFieldsEachTypedSetterNames() {
        LoopConfig base = LoopConfig.defaults("wildcard-search", Mode.AMPLIFICATION, 16, 10, 0, 3);
        Map<LoopConfig, Map<String, Object>> changed = new LinkedHashMap<>();
        changed.put(base.withSteps(7), Map.of("steps", 7L));
        changed.put(base.withMinutes(2.5), Map.of("minutes", 2.5));
        changed.put(base.withSeed(9), Map.of("seed", 9L));
        changed.put(base.withBatch(40), Map.of("trainContexts", 40));
        changed.put(base.withLr(3e-4f), Map.of("lr", 3e-4f));
        changed.put(base.withDepth(2), Map.of("depth", 2));
        changed.put(base.withThreads(2), Map.of("threads", 2));
        changed.put(base.withEvaluation(30, 12), Map.of("evalEvery", 30, "evalContexts", 12));
        changed.put(base.withCheckpointEvery(40), Map.of("checkpointEvery", 40));
        changed.put(base.withStartSize(4), Map.of("startSize", 4));
        changed.put(base.withPreset("paper"), Map.of("preset", "paper"));
        changed.put(base.withPreLayerNorm(true), Map.of("preLayerNorm", true));
        changed.put(base.withDropout(0.25f), Map.of("dropout", 0.25f));
        changed.put(base.withGenerationBatch(24), Map.of("generationContexts", 24));
        changed.put(base.withReplayBuffer(900, 90), Map.of("bufferContexts", 900, "minBufferContexts", 90));
        changed.put(base.withEmaHorizon(77), Map.of("emaHorizon", 77));
        changed.put(base.withPromotion(0.9, 5), Map.of("promoteAt", 0.9, "promoteMinBatches", 5));
        changed.put(base.withLevelCurriculum(true), Map.of("levelCurriculum", true));
        changed.put(base.withLogEvery(5), Map.of("logEvery", 5));
        changed.put(base.withKeepCheckpoints(7), Map.of("keepCheckpoints", 7));
        changed.put(base.withGenerationWorkers(3), Map.of("generationWorkers", 3));
        changed.put(base.withSampledTeacher(true), Map.of("sampledTeacher", true));
        changed.put(base.withAskerLayers(3), Map.of("askerLayers", 3));
        changed.put(base.withAskerLossBand(0.5), Map.of("askerLossBand", 0.5));
        changed.put(base.withAskerCallNoise(0.2), Map.of("askerCallNoise", 0.2));
        changed.put(base.withInjectedErrors(0.1, 0.2), Map.of("subanswerErrorRate", 0.1, "overseerErrorRate", 0.2));
        ObjectNode before = JSON.valueToTree(base);
        changed.forEach((cfg, fields) -> {
            ObjectNode expected = before.deepCopy();
            fields.forEach((k, v) -> {
                assertThat(before.get(k)).as(k).isNotEqualTo(JSON.valueToTree(v));
                expected.set(k, JSON.valueToTree(v));
            });
            assertThat((Object) JSON.valueToTree(cfg)).as(fields.toString()).isEqualTo(expected);
        });
    }

    @Test
    void shouldReadAConfigSavedBeforeGenerationWorkersExistedAsSynchronous() {
        LoopConfig cfg = LoopConfig.defaults("union-find", Mode.NOASKER, 8, 10, 0, 3).with("generationWorkers", 2);
        ObjectNode saved = JSON.valueToTree(cfg);
        saved.remove("generationWorkers");
        assertThat(LoopConfig.fromJson(saved)).isEqualTo(cfg.with("generationWorkers", 0));
    }

    @Test
    void shouldReadAConfigSavedBeforeGreedyTeachersExistedAsSampled() {
        LoopConfig cfg = LoopConfig.defaults("union-find", Mode.AMPLIFICATION, 8, 10, 0, 3);
        assertThat(cfg.sampledTeacher()).isFalse();
        ObjectNode saved = JSON.valueToTree(cfg);
        saved.remove("sampledTeacher");
        assertThat(LoopConfig.fromJson(saved)).isEqualTo(cfg.with("sampledTeacher", true));
    }

    @Test
    void shouldReadAConfigSavedBeforeDropoutWasASettingWithTheReferenceDropout() {
        LoopConfig cfg = LoopConfig.defaults("union-find", Mode.AMPLIFICATION, 8, 10, 0, 3).with("dropout", 0f);
        ObjectNode saved = JSON.valueToTree(cfg);
        saved.remove("dropout");
        assertThat(LoopConfig.fromJson(saved).dropout()).isEqualTo(LoopConfig.REFERENCE_DROPOUT).isEqualTo(0.1f);
    }

    @Test
    void shouldRefuseADropoutOutsideZeroToOneNamingIt() {
        LoopConfig cfg = LoopConfig.defaults("union-find", Mode.AMPLIFICATION, 8, 10, 0, 3);
        assertThatThrownBy(() -> cfg.with("dropout", 1f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dropout 1.0");
        assertThatThrownBy(() -> cfg.with("dropout", -0.5f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dropout -0.5");
    }

    @Test
    void shouldReadAConfigSavedBeforeAskerLayersWereASettingWithTheReferenceFour() {
        LoopConfig cfg = LoopConfig.defaults("union-find", Mode.AMPLIFICATION, 8, 10, 0, 3);
        assertThat(cfg.askerLayers()).isEqualTo(2);
        ObjectNode saved = JSON.valueToTree(cfg);
        saved.remove("askerLayers");
        assertThat(LoopConfig.fromJson(saved)).isEqualTo(cfg.with("askerLayers", 4));
    }

    @Test
    void shouldRefuseAskerLayersOutsideOneToSixteenNamingThem() {
        LoopConfig cfg = LoopConfig.defaults("union-find", Mode.AMPLIFICATION, 8, 10, 0, 3);
        assertThatThrownBy(() -> cfg.with("askerLayers", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("askerLayers 0");
        assertThatThrownBy(() -> cfg.with("askerLayers", 17)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("askerLayers 17");
    }

    @Test
    void shouldGiveTheReferenceRecipeThe2018CodesSettings() {
        LoopConfig r = LoopConfig.recipe("reference", "permutation-powering", Mode.AMPLIFICATION, 64, 400_000, 0, 1);
        assertThat(r.preset()).isEqualTo("paper");
        assertThat(r.preLayerNorm()).isFalse();
        assertThat(r.dropout()).isEqualTo(0.1f);
        assertThat(r.lr()).isEqualTo(1e-5f);
        assertThat(r.beta2()).isEqualTo(0.98f);
        assertThat(r.clip()).isEqualTo(1f);
        assertThat(r.trainContexts()).isEqualTo(50);
        assertThat(r.generationContexts()).isEqualTo(50);
        assertThat(r.questionsPerContext()).as("one question per fact").isZero();
        assertThat(r.bufferContexts()).isEqualTo(10_000);
        assertThat(r.minBufferContexts()).isEqualTo(500);
        assertThat(r.askerBuffer()).isEqualTo(100_000);
        assertThat(r.askerInitialBudget()).isEqualTo(500);
        assertThat(r.askerBatch()).isEqualTo(50);
        assertThat(r.minAskerBuffer()).isEqualTo(250);
        assertThat(r.askerLayers()).isEqualTo(4);
        assertThat(r.emaHorizon()).isEqualTo(1000);
        assertThat(r.sampledTeacher()).isTrue();
        assertThat(r.promoteAt()).isEqualTo(0.85);
        assertThat(r.levelCurriculum()).isFalse();
        assertThat(r.excludeModalAnswer()).isFalse();
        assertThat(r.startSize()).isEqualTo(8);
        assertThat(LoopConfig.recipe("reference", "union-find", Mode.SUPERVISED, 64, 1, 0, 1).startSize())
                .as("difficulty 0 is 10 variables").isEqualTo(10);
        assertThat(LoopConfig.recipe("default", "union-find", Mode.SUPERVISED, 64, 1, 0, 1))
                .isEqualTo(LoopConfig.defaults("union-find", Mode.SUPERVISED, 64, 1, 0, 1));
        assertThatThrownBy(() -> LoopConfig.recipe("paper", "union-find", Mode.SUPERVISED, 64, 1, 0, 1))
                .hasMessageContaining("'paper'").hasMessageContaining("default, reference");
    }

    @Test
    void shouldGiveTheBootstrappingTeacherAShortHorizonAndTheBaselineTheCurriculumMeasuredForItsTask() {
        for (Mode mode : new Mode[] {Mode.AMPLIFICATION, Mode.NOASKER}) {
            LoopConfig cfg = LoopConfig.defaults("union-find", mode, 8, 10, 0, 3);
            assertThat(cfg.emaHorizon()).as("%s", mode).isEqualTo(50);
            assertThat(cfg.levelCurriculum()).as("%s", mode).isTrue();
        }
        assertThat(LoopConfig.defaults("union-find", Mode.SUPERVISED, 8, 10, 0, 3).emaHorizon()).isEqualTo(1000);
        for (String task : new String[] {"permutation-powering", "wildcard-search", "shortest-path", "union-find"}) {
            assertThat(LoopConfig.defaults(task, Mode.SUPERVISED, 8, 10, 0, 3).levelCurriculum()).as(task).isFalse();
        }
        assertThat(LoopConfig.defaults("sequential-assignments", Mode.SUPERVISED, 8, 10, 0, 3).levelCurriculum())
                .isTrue();
    }

    @Test
    void shouldGiveWildcardSearchDeepTargetsOverEveryLevelAndEveryTaskMoreCallsToH() {
        for (Mode mode : new Mode[] {Mode.AMPLIFICATION, Mode.NOASKER}) {
            LoopConfig ws = LoopConfig.defaults("wildcard-search", mode, 8, 10, 0, 3);
            assertThat(ws.depth()).isEqualTo(3);
            assertThat(ws.levelCurriculum()).isFalse();
            LoopConfig pp = LoopConfig.defaults("permutation-powering", mode, 8, 10, 0, 3);
            assertThat(pp.depth()).isEqualTo(1);
            assertThat(pp.levelCurriculum()).isTrue();
        }
        assertThat(LoopConfig.defaults("wildcard-search", Mode.SUPERVISED, 8, 10, 0, 3).depth()).isEqualTo(1);
        for (String task : List.of("union-find", "shortest-path", "permutation-powering", "sequential-assignments",
                "wildcard-search")) {
            assertThat(LoopConfig.defaults(task, Mode.AMPLIFICATION, 8, 10, 0, 3).askerLossBand()).as(task)
                    .isEqualTo(1e-4);
            assertThat(LoopConfig.reference(task, Mode.AMPLIFICATION, 8, 10, 0, 3).askerLossBand()).as(task)
                    .isEqualTo(0.1);
        }
        assertThat(LoopConfig.reference("wildcard-search", Mode.AMPLIFICATION, 8, 10, 0, 3).depth()).isEqualTo(1);
        assertThat(LoopConfig.defaults("shortest-path", Mode.AMPLIFICATION, 8, 10, 0, 3).sampledTeacher()).isTrue();
        assertThat(LoopConfig.defaults("shortest-path", Mode.NOASKER, 8, 10, 0, 3).sampledTeacher()).isFalse();
        assertThat(LoopConfig.defaults("union-find", Mode.AMPLIFICATION, 8, 10, 0, 3).sampledTeacher()).isFalse();
    }

    @Test
    void shouldReadAConfigSavedBeforeTheLevelCurriculumAndModalExclusionAsTheReferencesCurriculum() {
        LoopConfig cfg = LoopConfig.defaults("permutation-powering", Mode.AMPLIFICATION, 8, 10, 0, 3);
        assertThat(cfg.levelCurriculum()).isTrue();
        assertThat(cfg.excludeModalAnswer()).isTrue();
        ObjectNode saved = JSON.valueToTree(cfg);
        saved.remove("levelCurriculum");
        saved.remove("excludeModalAnswer");
        assertThat(LoopConfig.fromJson(saved)).isEqualTo(cfg.with("levelCurriculum", false)
                .with("excludeModalAnswer", false));
    }

    @Test
    void shouldStillRefuseOtherMissingAndUnknownFieldsNamingThem() {
        ObjectNode saved = JSON.valueToTree(LoopConfig.defaults("union-find", Mode.NOASKER, 8, 10, 0, 3));
        saved.remove("emaHorizon");
        assertThatThrownBy(() -> LoopConfig.fromJson(saved)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("emaHorizon");
        ObjectNode extra = JSON.valueToTree(LoopConfig.defaults("union-find", Mode.NOASKER, 8, 10, 0, 3));
        extra.put("warp", 9);
        assertThatThrownBy(() -> LoopConfig.fromJson(extra)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("warp");
    }
}
