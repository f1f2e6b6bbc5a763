package io.edgedistill.core.personal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgedistill.core.mixture.SubClusterOptions;
import org.junit.jupiter.api.Test;

class HardSampleKnowledgeTest {
    private static final SubClusterOptions OPTIONS = new SubClusterOptions(4, 10, 7, 25);

    /** 60 rows of class 0 (20 wrong), 30 of class 1 (5 unsure but right), 10 of class 2 (all right and sure). */
    private static HardSampleKnowledge sample(SubClusterOptions options) {
        int n = 100;
        float[] x = new float[n * 2];
        int[] y = new int[n];
        int[] pred = new int[n];
        float[] conf = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = i < 60 ? 0 : i < 90 ? 1 : 2;
            pred[i] = i < 20 ? 2 : y[i];
            conf[i] = i >= 60 && i < 65 ? 0.4f : 0.9f;
            x[2 * i] = y[i] + (i % 7) * 0.1f;
            x[2 * i + 1] = -y[i] + (i % 5) * 0.1f;
        }
        return HardSampleKnowledge.of("edge-1", x, y, pred, conf, 3, 0.6f, options);
    }

    @Test
    void countsTheHardRowsAndTheConfusionAndSummarisesOnlyTheHardRows() {
        HardSampleKnowledge k = sample(OPTIONS);

        assertThat(k.classTotals()).containsExactly(60, 30, 10);
        assertThat(k.hardCounts()).containsExactly(20, 5, 0);
        assertThat(k.confusion()[0]).containsExactly(40, 0, 20);
        assertThat(k.confusion()[1]).containsExactly(0, 30, 0);
        assertThat(k.hardShares()).containsExactly(20 / 60.0, 5 / 30.0, 0);
        // class 0's 20 hard rows form sub-clusters (k_min 10); class 1's 5 are under the floor: count only
        assertThat(k.hard().classes().get(0).clusters()).isNotEmpty()
                .allSatisfy(s -> assertThat(s.count()).isGreaterThanOrEqualTo(10));
        assertThat(k.hard().classes().get(0).count()).isEqualTo(20);
        assertThat(k.hard().classes().get(1).clusters()).isEmpty();
        assertThat(k.hard().classes().get(1).count()).isEqualTo(5);
        long m = k.hard().subClusterCount();
        assertThat(k.sizeBytes()).isEqualTo(8 * (3 + m) + 4L * 2 * 2 * m + 8 * 9 + 8 * 3);
    }

    @Test
    void withoutSubClusterOptionsOnlyCountsAreKept() {
        HardSampleKnowledge k = sample(null);

        assertThat(k.hard().subClusterCount()).isZero();
        assertThat(k.hard().counts()).containsExactly(20, 5, 0);
    }

    @Test
    void aPredictionOutsideTheClassesIsAMistakeInNoColumn() {
        HardSampleKnowledge k = HardSampleKnowledge.of("e", new float[] {0f, 1f, 2f}, new int[] {0, 0, 1},
                new int[] {-1, 0, 1}, new float[] {0.9f, 0.9f, 0.9f}, 2, 0.6f, null);
        assertThat(k.hardCounts()).containsExactly(1, 0);
        assertThat(k.confusion()[0]).containsExactly(1, 0);
    }

    @Test
    void inconsistentShapesAreRefused() {
        assertThatThrownBy(() -> HardSampleKnowledge.of("e", new float[4], new int[] {0, 1}, new int[] {0}, new float[2],
                2, 0.6f, OPTIONS)).isInstanceOf(IllegalArgumentException.class);
    }
}
