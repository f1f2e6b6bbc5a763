package io.edgedistill.updater.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.HardSubCluster;
import io.edgedistill.schemas.KnowledgeClass;
import org.junit.jupiter.api.Test;

class ValidatorsTest {

    private static HardSubCluster sub(long count, float variance) {
        return HardSubCluster.newBuilder().setCount(count).setMean(List.of(0f, 1f)).setVariance(List.of(variance, 0.5f)).build();
    }

    private static EdgeKnowledge knowledge(List<HardSubCluster> subs, List<List<Long>> confusion) {
        KnowledgeClass kc = KnowledgeClass.newBuilder().setClassIndex(1).setCount(30).setTotal(40).setMeans(List.of(0f))
                .setSubClusters(subs).build();
        return EdgeKnowledge.newBuilder().setEdgeId("edge-1").setTaskId("t").setRoundId(1).setModelId("t").setModelVersion(1)
                .setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH).setNumNetworks(1).setEmbedDim(1)
                .setClasses(List.of(kc)).setLocalAccuracy(0.5).setLocalMacroF1(0.5).setProducedAt(Instant.EPOCH)
                .setConfusion(confusion).build();
    }

    @Test
    void knowledgeV2WithConsistentSubClustersAndASquareConfusionMatrixPasses() {
        assertThat(Validators.KNOWLEDGE.violations(knowledge(List.of(sub(10, 1f), sub(20, 1f)),
                List.of(List.of(5L, 0L), List.of(10L, 30L))))).isEmpty();
        assertThat(Validators.KNOWLEDGE.violations(knowledge(null, List.of()))).as("knowledge v1").isEmpty();
    }

    @Test
    void subClustersUnderTheRoundsPrivacyFloorAreNamed() {
        EdgeKnowledge k = knowledge(List.of(sub(10, 1f), sub(20, 1f)), List.of());
        assertThat(Validators.privacyFloor(k, 10)).isEmpty();
        assertThat(Validators.privacyFloor(k, 12)).singleElement().asString().contains("class 1").contains("12 rows");
        assertThat(Validators.privacyFloor(knowledge(null, List.of()), 50)).as("knowledge v1").isEmpty();
    }

    @Test
    void inconsistentKnowledgeV2IsRefusedWithTheReason() {
        assertThat(Validators.KNOWLEDGE.violations(knowledge(List.of(sub(10, 1f)), List.of())))
                .anyMatch(v -> v.contains("sum to 10, class count 30"));
        assertThat(Validators.KNOWLEDGE.violations(knowledge(List.of(sub(10, -1f), sub(20, 1f)), List.of())))
                .anyMatch(v -> v.contains("negative variance"));
        assertThat(Validators.KNOWLEDGE.violations(knowledge(List.of(sub(10, Float.NaN), sub(20, 1f)), List.of())))
                .anyMatch(v -> v.contains("non-finite"));
        assertThat(Validators.KNOWLEDGE.violations(knowledge(null, List.of(List.of(1L, 2L)))))
                .anyMatch(v -> v.contains("confusion is not a square matrix"));
        assertThat(Validators.KNOWLEDGE.violations(knowledge(null, List.of(List.of(-1L)))))
                .anyMatch(v -> v.contains("confusion"));
        EdgeKnowledge negative = knowledge(null, List.of());
        negative.setClassTotals(List.of(5L, -3L));
        assertThat(Validators.KNOWLEDGE.violations(negative)).anyMatch(v -> v.contains("classTotals"));
    }
}
