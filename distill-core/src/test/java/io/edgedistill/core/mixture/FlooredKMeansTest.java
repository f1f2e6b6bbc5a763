package io.edgedistill.core.mixture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import io.edgedistill.core.nn.SplitMix64;
import org.junit.jupiter.api.Test;

class FlooredKMeansTest {

    /** The pruned iterations assign exactly as plain Lloyd does, on data with heavy tails, duplicates and ties. */
    @Test
    void pruningNeverChangesAnAssignment() {
        for (long seed = 1; seed <= 6; seed++) {
            Random r = new Random(seed);
            int n = 1500;
            int d = 12;
            float[] x = new float[n * d];
            for (int i = 0; i < n; i++) {
                int mode = r.nextInt(7);
                for (int t = 0; t < d; t++) {
                    double v = switch ((int) (seed % 3)) {
                        case 0 -> mode + 0.4 * r.nextGaussian();                 // blobs
                        case 1 -> Math.pow(r.nextGaussian(), 3);                 // heavy tails
                        default -> (t % 3 == mode % 3) ? 1 : 0;                  // one-hot patterns: many ties
                    };
                    x[i * d + t] = (float) v;
                }
                if (i > 0 && r.nextInt(6) == 0) { // exact duplicates of an earlier row
                    System.arraycopy(x, r.nextInt(i) * d, x, i * d, d);
                }
            }
            for (int m : new int[] {1, 2, 8, 32, 64}) {
                int[] plain = new FlooredKMeans(m, 10, 25, false).fit(x, n, d, SplitMix64.keyed(seed, m));
                int[] pruned = new FlooredKMeans(m, 10, 25, true).fit(x, n, d, SplitMix64.keyed(seed, m));
                assertThat(pruned).as("seed %d, M %d", seed, m).containsExactly(plain);
            }
        }
    }

    /** Few distinct points on a grid: rows equidistant from two centroids everywhere, so the ties decide. */
    @Test
    void tiesGoToTheLowestIndexAsInPlainLloyd() {
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            int n = 400;
            float[] x = new float[n * 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextInt(4);
            }
            for (int m : new int[] {2, 3, 4, 5, 6}) {
                int[] plain = new FlooredKMeans(m, 10, 25, false).fit(x, n, 2, SplitMix64.keyed(seed, m));
                int[] pruned = new FlooredKMeans(m, 10, 25, true).fit(x, n, 2, SplitMix64.keyed(seed, m));
                assertThat(pruned).as("seed %d, M %d", seed, m).containsExactly(plain);
            }
        }
    }

    /** A row halfway between centroids 0 and 1, assigned to 1: Lloyd gives it to 0, the lower index. */
    @Test
    void anExactTieMovesTheRowToTheLowerIndex() {
        float[] row = {1f, 0f};
        double[] centroids = {0, 0, 2, 0};
        double[] upper = {1.5};           // loose: the distance to centroid 1 is 1
        double[] lower = {0, 0};          // nothing known of the other centroid
        double[] gaps = {0, 2, 2, 0};
        double[] halfGap = {1, 1};
        int best = FlooredKMeans.elkan(row, 0, 2, centroids, 2, 2, 1, upper, lower, gaps, halfGap, 1e-9);
        assertThat(best).isZero();
        assertThat(upper[0]).isEqualTo(1.0);
    }

    /**
     * A row on two coinciding centroids, assigned to the higher one, with a lower bound that rounding left just above
     * 0: the bound proves nothing, so the row goes to the lower index as in plain Lloyd.
     */
    @Test
    void aLowerBoundNearZeroProvesNothing() {
        float[] row = {1f, 1f};
        double[] centroids = {1, 1, 1, 1};
        double[] upper = {0};
        double[] lower = {1e-16, 0};
        double[] gaps = {0, 0, 0, 0};
        double[] halfGap = {0, 0};
        int best = FlooredKMeans.elkan(row, 0, 2, centroids, 2, 2, 1, upper, lower, gaps, halfGap, 1e-9 * Math.sqrt(2));
        assertThat(best).isZero();
    }
}
