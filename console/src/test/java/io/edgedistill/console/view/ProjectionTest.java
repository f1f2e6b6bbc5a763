package io.edgedistill.console.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

class ProjectionTest {

    @Test
    void findsTheDirectionsOfLargestVarianceAndKeepsDistancesAlongThem() {
        // 400 rows in 6 dimensions: large spread along (1,1,0,0,0,0)/√2, smaller along dimension 3, noise elsewhere
        Random rnd = new Random(5);
        float[][] rows = new float[400][6];
        for (float[] r : rows) {
            double a = rnd.nextGaussian() * 10;
            double b = rnd.nextGaussian() * 3;
            r[0] = (float) (a / Math.sqrt(2) + rnd.nextGaussian() * 0.1);
            r[1] = (float) (a / Math.sqrt(2) + rnd.nextGaussian() * 0.1);
            r[3] = (float) b;
            r[2] = (float) (rnd.nextGaussian() * 0.1);
            r[4] = (float) (rnd.nextGaussian() * 0.1);
            r[5] = 7f; // constant: no variance
        }
        Projection.Result p = Projection.pca(rows);

        assertThat(p.points()).hasNumberOfRows(400);
        assertThat(p.explained()[0]).isGreaterThan(0.85);
        assertThat(p.explained()[1]).isGreaterThan(0.05).isLessThan(p.explained()[0]);
        // the first axis is the diagonal of dimensions 0 and 1: |PC1| = |r0 + r1| / √2 up to the centring
        double mean01 = 0;
        for (float[] r : rows) {
            mean01 += (r[0] + r[1]) / Math.sqrt(2) / rows.length;
        }
        for (int i = 0; i < 10; i++) {
            double along = (rows[i][0] + rows[i][1]) / Math.sqrt(2) - mean01;
            assertThat(Math.abs(p.points()[i][0])).isCloseTo(Math.abs(along), within(0.2));
        }
    }

    @Test
    void isDeterministicAndTakesEmptyAndConstantInput() {
        float[][] rows = {{1, 2}, {3, 4}, {5, 7}};
        assertThat(Projection.pca(rows).points()).isDeepEqualTo(Projection.pca(rows).points());
        assertThat(Projection.pca(new float[0][]).points()).isEmpty();
        Projection.Result flat = Projection.pca(new float[][] {{1, 1}, {1, 1}});
        assertThat(flat.explained()).containsExactly(0.0, 0.0);
        assertThat(flat.points()[0]).containsExactly(0.0, 0.0);
    }
}
