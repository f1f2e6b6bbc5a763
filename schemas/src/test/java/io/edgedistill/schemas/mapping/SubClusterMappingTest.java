package io.edgedistill.schemas.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.edgedistill.core.mixture.ClassSubClusters;
import io.edgedistill.core.mixture.ColumnLayout;
import io.edgedistill.core.mixture.MixtureOptions;
import io.edgedistill.core.mixture.MixturePrior;
import io.edgedistill.core.mixture.SubCluster;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.schemas.ClassMixture;
import org.junit.jupiter.api.Test;

class SubClusterMappingTest {

    private static SubClusterSummary edge(String id, float shift) {
        return new SubClusterSummary(id, 3, 2, 10, List.of(
                new ClassSubClusters(0, 30, List.of(new SubCluster(10, new float[] {shift, 1}, new float[] {1, 2}),
                        new SubCluster(20, new float[] {shift + 3, -1}, new float[] {0.5f, 0.25f}))),
                new ClassSubClusters(1, 4, List.of()),
                new ClassSubClusters(2, 0, List.of())));
    }

    @Test
    void aClassGoesToTheWireAndBackUnchanged() {
        ClassSubClusters c = edge("e", 0.5f).classes().get(0);
        assertThat(SubClusterMapping.fromWire(0, 30, SubClusterMapping.toWire(c))).isEqualTo(c);
        assertThat(SubClusterMapping.fromWire(1, 4, null).hasMoments()).isFalse();
    }

    @Test
    void thePublishedMixtureHoldsEveryEdgesComponentsAndClassRowsAndSamplesLikeThePooledOne() {
        List<SubClusterSummary> edges = List.of(edge("a", 0f), edge("b", 2f));
        List<ClassMixture> wire = SubClusterMapping.mixtureToWire(edges, 3);

        assertThat(wire).extracting(ClassMixture::getClassIndex).containsExactly(0, 1);
        assertThat(wire.get(0).getComponents()).hasSize(4);
        assertThat(SubClusterMapping.classCounts(wire, 3)).containsExactly(60, 8, 0);

        ColumnLayout layout = ColumnLayout.allNumeric(2);
        MixturePrior direct = MixturePrior.pool(edges, layout, MixtureOptions.defaults());
        MixturePrior published = SubClusterMapping.mixtureFromWire(wire, 3, 2, layout, MixtureOptions.defaults());
        assertThat(published.classMean(0)).containsExactly(direct.classMean(0));
        assertThat(published.classVariance(0)).containsExactly(direct.classVariance(0));
        assertThat(published.hasClass(1)).isFalse();
        assertThat(published.sample(0, 20, 3)).containsExactly(direct.sample(0, 20, 3));
    }
}
