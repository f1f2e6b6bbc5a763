package io.edgedistill.core.personal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import io.edgedistill.core.mixture.ColumnLayout;
import io.edgedistill.core.mixture.GeneratedSet;
import io.edgedistill.core.mixture.MixtureOptions;
import io.edgedistill.core.mixture.MixturePrior;
import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.mixture.SubClusterer;
import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.TrainConfig;
import org.junit.jupiter.api.Test;

class CohortTrainingTest {
    private static final int D = 4;
    private static final int C = 4;
    private static final double[][] CENTRES = {{0, 0, 0, 0}, {3, 0, 0, 0}, {0, 3, 0, 0}, {0, 0, 3, 3}};
    private static final CohortTraining.Settings SETTINGS = new CohortTraining.Settings(200, 20, 20, 10, 64, 3e-3f, 1e-4f);

    /** Rows of the given labels around the class centres; class {@code shifted} moved by {@code shift} on column 1. */
    private static float[] rows(int[] y, int shifted, double shift, long seed) {
        Random r = new Random(seed);
        float[] x = new float[y.length * D];
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < D; j++) {
                double v = CENTRES[y[i]][j] + 0.6 * r.nextGaussian();
                x[i * D + j] = (float) (y[i] == shifted && j == 1 ? v + shift : v);
            }
        }
        return x;
    }

    private static int[] labels(int n, int[] classes, long seed) {
        Random r = new Random(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = classes[r.nextInt(classes.length)];
        }
        return y;
    }

    private static MixturePrior prior(float[] x, int[] y, long seed) {
        SubClusterSummary s = new SubClusterer(new SubClusterOptions(4, 10, seed, 25)).summarize("e", x, y, C);
        return MixturePrior.pool(List.of(s), ColumnLayout.allNumeric(D), MixtureOptions.defaults());
    }

    @Test
    void rowsFollowTheCohortsMixAndItsHardShareComesFromTheKnowledge() {
        int[] fy = labels(1200, new int[] {0, 1, 2}, 1);
        MixturePrior fleet = prior(rows(fy, -1, 0, 2), fy, 3);
        int[] ky = labels(300, new int[] {1, 3}, 4);
        MixturePrior knowledge = prior(rows(ky, 1, 3, 5), ky, 6);

        CohortTraining.Rows r = CohortTraining.rows(fleet, knowledge, new long[] {100, 300, 0, 100},
                new double[] {0, 0.5, 0, 1.0}, SETTINGS, 7);

        int[] perClass = new int[C];
        double fromKnowledgeCol1 = 0;
        GeneratedSet g = r.set();
        for (int i = 0; i < g.size(); i++) {
            perClass[g.y()[i]]++;
        }
        // 600 rows for the three reported classes in the proportions 1:3:1; the unreported class keeps 20 fleet rows
        assertThat(perClass).containsExactly(120, 360, 20, 120);
        // class 1: half from the knowledge; class 3 (no fleet components): all of it
        assertThat(r.fromKnowledge()).isEqualTo(180 + 120);
        for (int i = 0; i < g.size(); i++) {
            if (g.y()[i] == 1) {
                fromKnowledgeCol1 += g.x()[i * D + 1] / 360.0;
            }
        }
        assertThat(fromKnowledgeCol1).as("class 1's column 1: half the rows shifted by 3").isBetween(1.0, 2.0);
    }

    @Test
    void theFineTunedModelLearnsTheDriftAndANovelClassThatTheGlobalModelMisses() {
        int[] fy = labels(1500, new int[] {0, 1, 2}, 11);
        float[] fx = rows(fy, -1, 0, 12);
        MixturePrior fleet = prior(fx, fy, 13);
        MlpModel global = MlpTrainer.train(new int[] {16}, fx, fy.length, fy, null, C,
                new TrainConfig(20, 64, 3e-3f, 1e-4f, 1f, 0f, 14));
        // the drifted edge: class 1 moved onto class 2's column, and class 3, which the fleet never saw
        int[] all = {0, 1, 2, 3};
        int[] ly = labels(800, all, 15);
        float[] lx = rows(ly, 1, 3, 16);
        int[] ty = labels(800, all, 17);
        float[] tx = rows(ty, 1, 3, 18);
        float[] p = global.predictProba(lx, ly.length);
        int[] pred = new int[ly.length];
        float[] conf = new float[ly.length];
        for (int i = 0; i < ly.length; i++) {
            for (int k = 0; k < C; k++) {
                if (p[i * C + k] > p[i * C + pred[i]]) {
                    pred[i] = k;
                }
            }
            conf[i] = p[i * C + pred[i]];
        }
        HardSampleKnowledge k = HardSampleKnowledge.of("drifted", lx, ly, pred, conf, C, 0.6f,
                new SubClusterOptions(8, 10, 19, 25));
        MixturePrior knowledge = MixturePrior.pool(List.of(k.hard()), ColumnLayout.allNumeric(D), MixtureOptions.defaults());

        CohortTraining.Result r = CohortTraining.train(global, fleet, knowledge, k.classTotals(), k.hardShares(), SETTINGS, 20);

        double before = ClassificationMetrics.of(ty, global.predict(tx, ty.length), C).macroF1();
        ClassificationMetrics after = ClassificationMetrics.of(ty, r.model().predict(tx, ty.length), C);
        assertThat(after.macroF1()).isGreaterThan(before + 0.2);
        assertThat(after.perClassF1()[3]).as("the novel class").isGreaterThan(0.8);
        assertThat(r.model().layerSizes()).containsExactly(global.layerSizes());
        // the same inputs give the same model
        float[] probe = java.util.Arrays.copyOf(tx, 10 * D);
        float[] again = CohortTraining.train(global, fleet, knowledge, k.classTotals(), k.hardShares(), SETTINGS, 20)
                .model().logits(probe, 10);
        assertThat(again).containsExactly(r.model().logits(probe, 10));
    }
}
