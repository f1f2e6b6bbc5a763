package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SubClusterMoments;
import io.edgedistill.schemas.SubClusterSettings;
import org.junit.jupiter.api.Test;

/** An edge's answer to a round that asks for sub-clusters (summary v2). */
class SummaryV2Test {
    private static final int FLOOR = 10;
    private final EdgeFixtures fx = new EdgeFixtures(21, 600);

    @Test
    void everyClassAtTheFloorSendsSubClustersThatPartitionItsRowsAndSmallerClassesSendTheirCountOnly() {
        RoundSpec round = v2(fx.round(EdgeFixtures.TASK, 1, false, false), 4);

        EdgeSummary s = SummaryAnswerer.answer("edge-1", fx.data, round);

        assertThat(s.getClasses()).isNotEmpty();
        for (ClassSummary c : s.getClasses()) {
            if (c.getCount() < FLOOR) {
                assertThat(c.getMeans()).as("class %d of %d rows", c.getClassIndex(), c.getCount()).isEmpty();
                assertThat(c.getInputMean()).isNull();
                assertThat(c.getInputVar()).isNull();
                assertThat(c.getSecondMoments()).isNull();
                assertThat(c.getSubClusters()).isNull();
                continue;
            }
            List<SubClusterMoments> clusters = c.getSubClusters();
            assertThat(clusters).isNotEmpty().hasSizeLessThanOrEqualTo(4);
            assertThat(clusters).allSatisfy(m -> assertThat(m.getCount()).isGreaterThanOrEqualTo(FLOOR));
            assertThat(clusters.stream().mapToLong(SubClusterMoments::getCount).sum()).isEqualTo(c.getCount());
            // the sub-clusters' pooled mean is the class mean the poisoning screen judges
            int d = c.getInputMean().size();
            for (int j = 0; j < d; j++) {
                double pooled = 0;
                for (SubClusterMoments m : clusters) {
                    pooled += m.getCount() * (double) m.getMean().get(j);
                }
                assertThat(pooled / c.getCount()).isCloseTo(c.getInputMean().get(j), org.assertj.core.data.Offset.offset(
                        1e-3 * (1 + Math.abs(c.getInputMean().get(j)))));
            }
        }
    }

    @Test
    void theSameRoundGivesTheSameSubClusters() {
        RoundSpec round = v2(fx.round(EdgeFixtures.TASK, 1, false, false), 4);
        assertThat(subClusters(SummaryAnswerer.answer("edge-1", fx.data, round)))
                .isEqualTo(subClusters(SummaryAnswerer.answer("edge-1", fx.data, round)));
    }

    @Test
    void aRoundWithDifferentialPrivacyGetsSummaryV1() {
        RoundSpec round = v2(fx.round(EdgeFixtures.TASK, 1, false, true), 4);
        EdgeSummary s = SummaryAnswerer.answer("edge-1", fx.data, round);
        assertThat(s.getClasses()).allSatisfy(c -> assertThat(c.getSubClusters()).isNull());
    }

    private static List<List<SubClusterMoments>> subClusters(EdgeSummary s) {
        List<List<SubClusterMoments>> out = new ArrayList<>();
        s.getClasses().forEach(c -> out.add(c.getSubClusters()));
        return out;
    }

    private static RoundSpec v2(RoundSpec r, int perClass) {
        return RoundSpec.newBuilder(r)
                .setSubClusters(SubClusterSettings.newBuilder().setPerClass(perClass).setMinRows(FLOOR).setSeed(5).build())
                .build();
    }
}
