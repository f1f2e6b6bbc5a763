package io.edgedistill.core.mixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubClustererTest {

    /** Rows of one class around the given centres (first coordinate), n rows each, d = 3. */
    static float[] blobs(double[] centres, int[] sizes, long seed) {
        Random r = new Random(seed);
        int n = 0;
        for (int s : sizes) {
            n += s;
        }
        float[] x = new float[n * 3];
        int row = 0;
        for (int b = 0; b < centres.length; b++) {
            for (int i = 0; i < sizes[b]; i++, row++) {
                x[row * 3] = (float) (centres[b] + 0.3 * r.nextGaussian());
                x[row * 3 + 1] = (float) (0.3 * r.nextGaussian());
                x[row * 3 + 2] = (float) (0.3 * r.nextGaussian());
            }
        }
        return x;
    }

    @Test
    void aFarGroupBelowTheFloorIsMergedIntoItsNearestCluster() {
        float[] x = blobs(new double[] {-10, 10, 25}, new int[] {50, 50, 4}, 1L);
        int[] y = new int[104];
        SubClusterSummary s = new SubClusterer(new SubClusterOptions(3, 10, 7L, 50)).summarize("e", x, y, 1);

        List<SubCluster> cl = s.classes().get(0).clusters();
        assertThat(cl).extracting(SubCluster::count).containsExactlyInAnyOrder(50L, 54L);
        SubCluster merged = cl.stream().filter(c -> c.count() == 54).findFirst().orElseThrow();
        assertThat(merged.mean()[0]).isBetween(10f, 12f); // the blob at +10 took the four rows from +25
    }

    @Test
    void noSubClusterIsBelowTheFloorWhateverMIs() {
        Random r = new Random(3);
        int n = 537;
        float[] x = new float[n * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (Math.pow(r.nextGaussian(), 3)); // heavy tails: many small outlying groups
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
        }
        for (int m : new int[] {1, 8, 32, 64}) {
            SubClusterSummary s = new SubClusterer(new SubClusterOptions(m, 10, 5L, 25)).summarize("e", x, y, 3);
            for (ClassSubClusters c : s.classes()) {
                assertThat(c.clusters()).isNotEmpty().hasSizeLessThanOrEqualTo(m);
                assertThat(c.clusters()).allSatisfy(k -> assertThat(k.count()).isGreaterThanOrEqualTo(10));
                assertThat(c.clusters().stream().mapToLong(SubCluster::count).sum()).isEqualTo(c.count());
            }
        }
    }

    @Test
    void aClassBelowTheFloorSendsItsCountOnly() {
        float[] x = blobs(new double[] {0, 5, 9}, new int[] {20, 9, 1}, 2L);
        int[] y = new int[30];
        for (int i = 20; i < 29; i++) {
            y[i] = 1;
        }
        y[29] = 2;
        SubClusterSummary s = new SubClusterer(SubClusterOptions.defaults(1L)).summarize("e", x, y, 4);

        assertThat(s.counts()).containsExactly(20, 9, 1, 0);
        assertThat(s.classes().get(0).hasMoments()).isTrue();
        assertThat(s.classes().get(1).clusters()).isEmpty();
        assertThat(s.classes().get(2).clusters()).isEmpty(); // the single row never leaves as a "mean"
        assertThat(s.classes().get(3).clusters()).isEmpty();
    }

    @Test
    void aSummaryWithASubClusterBelowTheFloorCannotBeBuilt() {
        SubCluster tiny = new SubCluster(3, new float[] {1f}, new float[] {0f});
        ClassSubClusters c = new ClassSubClusters(0, 3, List.of(tiny));
        assertThatThrownBy(() -> new SubClusterSummary("e", 1, 1, 10, List.of(c)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below the floor");
    }

    @Test
    void theFitIsDeterministicBySeed() {
        float[] x = blobs(new double[] {-3, 0, 3, 6}, new int[] {40, 40, 40, 40}, 4L);
        int[] y = new int[160];
        for (int i = 0; i < 160; i++) {
            y[i] = i % 2;
        }
        SubClusterer a = new SubClusterer(new SubClusterOptions(6, 10, 11L, 25));
        assertThat(a.summarize("e", x, y, 2)).isEqualTo(a.summarize("e", x.clone(), y.clone(), 2));
        assertThat(new SubClusterer(new SubClusterOptions(6, 10, 11L, 25)).summarize("e", x, y, 2))
                .isEqualTo(a.summarize("e", x, y, 2));
    }

    @Test
    void sizeCountsEveryClassAndSubCluster() {
        float[] x = blobs(new double[] {0}, new int[] {100}, 5L);
        int[] y = new int[100];
        SubClusterSummary s = new SubClusterer(new SubClusterOptions(4, 10, 1L, 25)).summarize("e", x, y, 2);
        int m = s.subClusterCount();
        assertThat(m).isBetween(1, 4);
        assertThat(s.sizeBytes()).isEqualTo(8L * (2 + m) + 4L * 2 * 3 * m);
        assertThat(s.sizeBytes(2)).isEqualTo(8L * (2 + m) + 2L * 2 * 3 * m);
    }
}
