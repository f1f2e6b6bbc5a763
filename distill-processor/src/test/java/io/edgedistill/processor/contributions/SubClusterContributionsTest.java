package io.edgedistill.processor.contributions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SubClusterMoments;
import io.edgedistill.schemas.SubClusterSettings;
import org.junit.jupiter.api.Test;

/** Summary v2 at the processor's door: sub-cluster statistics and count-only classes under the round's floor. */
class SubClusterContributionsTest {
    private static final int FLOOR = 10;
    private final RoundSpec v2 = withSubClusters(Fixtures.round(1));
    private final RoundSpec v1 = Fixtures.round(1);

    @Test
    void subClustersConsistentWithTheClassMeanAreAcceptedAndCarriedToTheCore() {
        EdgeSummary s = v2Summary();

        assertThat(ContributionAdapter.SUMMARIES.violations(s, "edge-1", v2)).isEmpty();
        SummaryStats core = ContributionAdapter.SUMMARIES.toCore(s, v2);
        SubClusterSummary clusters = core.subClusters();
        assertThat(clusters).isNotNull();
        assertThat(clusters.kMin()).isEqualTo(FLOOR);
        assertThat(clusters.classes().get(0).clusters()).hasSize(2);
        assertThat(clusters.classes().get(0).count()).isEqualTo(30);
        // class 1 came as a count only: it keeps its count in the sub-cluster summary, not in the embedding targets
        assertThat(clusters.classes().get(1).count()).isEqualTo(4);
        assertThat(clusters.classes().get(1).hasMoments()).isFalse();
        assertThat(core.counts()).containsExactly(30, 0, 20);
        assertThat(core.reportedCounts()).containsExactly(30, 4, 20);
        assertThat(CoreSummaryCodec.decode(CoreSummaryCodec.encode(core))).isEqualTo(core);
    }

    @Test
    void aCountOnlyClassNeedsAV2RoundAndACountUnderTheFloor() {
        EdgeSummary s = v2Summary();
        assertThat(ContributionAdapter.SUMMARIES.violations(s, "edge-1", v1)).contains(
                "class 0: sub-clusters, but the round asks for none",
                "class 1: no means, and the round asks for no sub-clusters (count-only classes are a summary v2 feature)");

        s.getClasses().get(1).setCount(12L);
        assertThat(ContributionAdapter.SUMMARIES.violations(s, "edge-1", v2))
                .containsExactly("class 1: count only, but its 12 rows reach the floor of " + FLOOR);
    }

    @Test
    void subClustersUnderTheFloorOrAwayFromTheClassMeanAreRefused() {
        EdgeSummary small = v2Summary();
        List<SubClusterMoments> c0 = small.getClasses().get(0).getSubClusters();
        c0.set(0, moments(9, 1f));
        c0.set(1, moments(21, 1f));
        assertThat(ContributionAdapter.SUMMARIES.violations(small, "edge-1", v2))
                .containsExactly("class 0 sub-cluster 0: 9 rows, under the floor of " + FLOOR);

        EdgeSummary moved = v2Summary();
        moved.getClasses().get(0).getSubClusters().set(1, moments(20, 5f));
        assertThat(ContributionAdapter.SUMMARIES.violations(moved, "edge-1", v2)).singleElement().asString()
                .startsWith("class 0: the sub-clusters' mean of feature 0");

        EdgeSummary partial = v2Summary();
        partial.getClasses().get(2).setSubClusters(List.of(moments(10, 2f)));
        assertThat(ContributionAdapter.SUMMARIES.violations(partial, "edge-1", v2))
                .containsExactly("class 2: sub-clusters hold 10 rows, the class count is 20");
    }

    @Test
    void aV1EdgeAnsweringAV2RoundIsAcceptedWithoutSubClusters() {
        EdgeSummary old = Fixtures.summary("edge-1", 1, new long[] {30, 0, 20}, 3);
        assertThat(ContributionAdapter.SUMMARIES.violations(old, "edge-1", v2)).isEmpty();
        assertThat(ContributionAdapter.SUMMARIES.toCore(old, v2).subClusters()).isNull();
    }

    /**
     * Class 0: 30 rows in two sub-clusters (10 at 0.0, 20 at 1.5, class mean 1.0); class 1: 4 rows, count only;
     * class 2: 20 rows in one sub-cluster at 2.0.
     */
    private static EdgeSummary v2Summary() {
        EdgeSummary s = Fixtures.summary("edge-1", 1, new long[] {30, 4, 20}, 3);
        for (ClassSummary c : s.getClasses()) {
            switch (c.getClassIndex()) {
                case 0 -> {
                    c.setInputMean(constant(1f));
                    c.setInputVar(constant(1f));
                    c.setSubClusters(new ArrayList<>(List.of(moments(10, 0f), moments(20, 1.5f))));
                }
                case 1 -> {
                    c.setMeans(List.of());
                    c.setSecondMoments(null);
                    c.setInputMean(null);
                    c.setInputVar(null);
                }
                default -> {
                    c.setInputMean(constant(2f));
                    c.setInputVar(constant(1f));
                    c.setSubClusters(new ArrayList<>(List.of(moments(20, 2f))));
                }
            }
        }
        return s;
    }

    private static SubClusterMoments moments(long count, float mean) {
        return SubClusterMoments.newBuilder().setCount(count).setMean(constant(mean)).setVariance(constant(0.5f)).build();
    }

    private static List<Float> constant(float v) {
        List<Float> out = new ArrayList<>();
        for (int j = 0; j < Fixtures.D_IN; j++) {
            out.add(v);
        }
        return out;
    }

    private static RoundSpec withSubClusters(RoundSpec r) {
        return RoundSpec.newBuilder(r)
                .setSubClusters(SubClusterSettings.newBuilder().setPerClass(4).setMinRows(FLOOR).setSeed(7).build())
                .build();
    }
}
