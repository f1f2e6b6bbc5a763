package io.edgedistill.updater.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.edgedistill.schemas.ClassMixture;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.HardSubCluster;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.MixtureComponent;
import io.edgedistill.schemas.Provenance;
import io.edgedistill.schemas.SyntheticSet;
import org.junit.jupiter.api.Test;

class NoveltyLedgerTest {
    private static final List<String> CLASSES = List.of("Benign", "ScanA", "FloodB");

    private static SyntheticSet set(String sha) {
        List<ClassMixture> mixture = new ArrayList<>();
        for (int c = 0; c < 2; c++) { // FloodB: the fleet never sent it
            mixture.add(ClassMixture.newBuilder().setClassIndex(c).setCount(100).setComponents(List.of(
                    MixtureComponent.newBuilder().setCount(100).setMean(List.of(0f, 0f)).setVariance(List.of(1f, 1f)).build()))
                    .build());
        }
        return SyntheticSet.newBuilder().setTaskId("t").setVersion(3).setRoundId(2).setSamplesPerClass(0).setFeatureDim(2)
                .setClasses(CLASSES).setSamples(List.of()).setMatchingLoss(0).setOptimisationSteps(0)
                .setProvenance(Provenance.newBuilder().setContributions(List.of()).setExclusions(List.of()).build())
                .setPreprocessingSha256(sha).setCreatedAt(Instant.EPOCH).setMixture(mixture).build();
    }

    private static EdgeKnowledge knowledge(String edge, int classIndex, long count) {
        HardSubCluster h = HardSubCluster.newBuilder().setCount(count).setMean(List.of(5f, 5f)).setVariance(List.of(1f, 1f)).build();
        KnowledgeClass kc = KnowledgeClass.newBuilder().setClassIndex(classIndex).setCount(count).setTotal(count)
                .setMeans(List.of(0f)).setSubClusters(List.of(h)).build();
        return EdgeKnowledge.newBuilder().setEdgeId(edge).setTaskId("t").setRoundId(2).setModelId("t").setModelVersion(1)
                .setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH).setNumNetworks(1).setEmbedDim(1)
                .setClasses(List.of(kc)).setLocalAccuracy(0.5).setLocalMacroF1(0.5).setProducedAt(Instant.EPOCH).build();
    }

    @Test
    void aClassIsAdoptedOnceEnoughDistinctEdgesReportItAndJoinsTheMixture() {
        NoveltyLedger ledger = new NoveltyLedger(2, Set.of());
        SyntheticSet set = set("sha");

        assertThat(ledger.record(knowledge("edge-1", 2, 20), set, 0)).isEmpty();
        assertThat(ledger.record(knowledge("edge-1", 2, 30), set, 0)).as("the same edge again").isEmpty();
        assertThat(ledger.withAdopted(set)).isSameAs(set);
        assertThat(ledger.record(knowledge("edge-2", 2, 10), set, 0)).containsExactly("FloodB");
        assertThat(ledger.record(knowledge("edge-3", 2, 10), set, 0)).as("adopted once").isEmpty();

        SyntheticSet adopted = ledger.withAdopted(set);
        ClassMixture flood = adopted.getMixture().get(2);
        assertThat(flood.getClassIndex()).isEqualTo(2);
        assertThat(flood.getComponents()).hasSize(3);
        assertThat(flood.getCount()).isEqualTo(30 + 10 + 10);
        assertThat(adopted.getMixture().get(0)).isEqualTo(set.getMixture().get(0));
        assertThat(set.getMixture()).as("the set itself is unchanged").hasSize(2);
        assertThat(ledger.describe("t")).isEqualTo("FloodB (edges edge-1, edge-2, edge-3)");
        // a set under another preprocessing gets none of it
        assertThat(ledger.withAdopted(set("other"))).isEqualTo(set("other"));
    }

    @Test
    void theBenignClassNeedsAnOperatorsApprovalAndAnApprovedClassNeedsOneEdge() {
        NoveltyLedger ledger = new NoveltyLedger(2, Set.of("ScanA"));
        SyntheticSet set = set("sha");

        assertThat(ledger.record(knowledge("edge-1", 0, 20), set, 0)).isEmpty();
        assertThat(ledger.record(knowledge("edge-2", 0, 20), set, 0)).as("benign: corroboration is not enough").isEmpty();
        assertThat(ledger.record(knowledge("edge-1", 1, 20), set, 0)).containsExactly("ScanA");
        assertThat(ledger.withAdopted(set).getMixture().get(1).getComponents()).hasSize(2);
        assertThat(new NoveltyLedger(0, Set.of()).record(knowledge("edge-1", 2, 20), set, 0)).as("0: approval only").isEmpty();
    }
}
