package io.edgedistill.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DirichletPartitionerTest {

    private static int[] labels(int n, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
        }
        return y;
    }

    private static void assertDisjointAndComplete(int[][] parts, int n) {
        boolean[] seen = new boolean[n];
        int total = 0;
        for (int[] p : parts) {
            assertThat(p.length).isPositive();
            for (int i : p) {
                assertThat(seen[i]).as("sample %d assigned twice", i).isFalse();
                seen[i] = true;
                total++;
            }
        }
        assertThat(total).isEqualTo(n);
    }

    /** Mean over edges of the share of the edge's most frequent class. */
    private static double meanDominantShare(int[][] counts) {
        double s = 0;
        for (int[] row : counts) {
            int tot = 0;
            int max = 0;
            for (int c : row) {
                tot += c;
                max = Math.max(max, c);
            }
            s += (double) max / tot;
        }
        return s / counts.length;
    }

    @Test
    void smallBetaIsSkewedLargeBetaIsNearUniform() {
        int n = 20_000;
        int k = 5;
        int[] y = labels(n, k, 1);
        int[][] skew = new DirichletPartitioner(10, 0.1, 7).partition(y, k);
        int[][] flat = new DirichletPartitioner(10, 100, 7).partition(y, k);
        assertDisjointAndComplete(skew, n);
        assertDisjointAndComplete(flat, n);
        double skewDom = meanDominantShare(DirichletPartitioner.classCounts(skew, y, k));
        double flatDom = meanDominantShare(DirichletPartitioner.classCounts(flat, y, k));
        assertThat(skewDom).isGreaterThan(0.6);
        assertThat(flatDom).isLessThan(0.3); // uniform would be 0.2
        int[][] fc = DirichletPartitioner.classCounts(flat, y, k);
        for (int[] row : fc) {
            int tot = 0;
            for (int c : row) {
                tot += c;
            }
            for (int c : row) {
                assertThat(Math.abs((double) c / tot - 0.2)).isLessThan(0.08);
            }
        }
    }

    @Test
    void deterministicBySeedAndEveryEdgeMeetsTheMinimum() {
        int[] y = labels(3000, 9, 2);
        DirichletPartitioner p = new DirichletPartitioner(50, 0.1, 3);
        int[][] a = p.partition(y, 9);
        int[][] b = new DirichletPartitioner(50, 0.1, 3).partition(y, 9);
        int[][] c = new DirichletPartitioner(50, 0.1, 4).partition(y, 9);
        assertThat(a).isDeepEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertDisjointAndComplete(a, 3000);
        for (int[] part : a) {
            assertThat(part.length).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void repairKeepsEveryEdgeNonEmptyWhenRedrawsFail() {
        int[] y = labels(500, 2, 5);
        DirichletPartitioner p = new DirichletPartitioner(100, 0.01, 1).minSize(5).maxAttempts(3);
        int[][] parts = p.partition(y, 2);
        assertThat(p.repaired()).isTrue();
        assertDisjointAndComplete(parts, 500);
        for (int[] part : parts) {
            assertThat(part.length).isGreaterThanOrEqualTo(5);
        }
    }
}
