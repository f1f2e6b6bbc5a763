package io.edgedistill.core.mixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HalfPrecisionTest {

    @Test
    void roundsToTheNearestFloat16() {
        assertThat(HalfPrecision.round(0.5f)).isEqualTo(0.5f);
        assertThat(HalfPrecision.round(1f / 3)).isEqualTo(0.333251953125f); // 0x3555
        assertThat(HalfPrecision.round(-7.3f)).isEqualTo(-7.30078125f);
        assertThat(HalfPrecision.round(1f + 0x1.0p-11f)).isEqualTo(1f); // tie to even
        assertThat(HalfPrecision.round(1e-6f)).isEqualTo(17 * 0x1.0p-24f); // subnormal: multiples of 2^-24
        assertThat(HalfPrecision.round(1e-9f)).isEqualTo(0f); // under half the smallest subnormal
        assertThat(HalfPrecision.round(65504f)).isEqualTo(65504f);
        assertThatThrownBy(() -> HalfPrecision.round(70000f)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRoundedSummaryKeepsCountsAndMovesValuesByAtMostHalfAQuantum() {
        SubCluster k = new SubCluster(12, new float[] {0.1f, -3.7f}, new float[] {0.01f, 2.2f});
        SubClusterSummary s = new SubClusterSummary("e", 1, 2, 10, List.of(new ClassSubClusters(0, 12, List.of(k))));
        SubCluster r = s.roundedToFloat16().classes().get(0).clusters().get(0);
        assertThat(r.count()).isEqualTo(12);
        for (int j = 0; j < 2; j++) {
            assertThat(Math.abs(r.mean()[j] - k.mean()[j])).isLessThanOrEqualTo(Math.abs(k.mean()[j]) * 0x1.0p-11f);
            assertThat(Math.abs(r.variance()[j] - k.variance()[j])).isLessThanOrEqualTo(k.variance()[j] * 0x1.0p-11f);
        }
    }
}
