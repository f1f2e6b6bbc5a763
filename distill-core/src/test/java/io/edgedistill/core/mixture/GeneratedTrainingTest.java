package io.edgedistill.core.mixture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import org.junit.jupiter.api.Test;

class GeneratedTrainingTest {
    private static final GeneratedTraining.Settings SETTINGS = new GeneratedTraining.Settings(300, 30, 5, 5, 4f, 0.7f);

    @Test
    void theStudentTrainedOnlyOnGeneratedRowsClassifiesRealRowsNearlyAsWellAsOneTrainedOnThem() {
        int[] y = MixturePriorTest.labels(1500, 3, 1);
        float[] x = MixturePriorTest.rows(y, 2);
        List<SubClusterSummary> edges = MixturePriorTest.threeEdges(x, y, 8);
        MixturePrior prior = MixturePrior.pool(edges, ColumnLayout.of(MixturePriorTest.SPEC), MixtureOptions.defaults());

        GeneratedTraining.Result r = GeneratedTraining.train(prior, prior.counts(), new int[] {32}, new int[] {16},
                SETTINGS, 9);

        assertThat(r.rows().size()).isEqualTo(900);
        int[] testY = MixturePriorTest.labels(600, 3, 3);
        float[] testX = MixturePriorTest.rows(testY, 4);
        MlpModel student = r.student();
        double generated = ClassificationMetrics.of(testY, student.predict(testX, testY.length), 3).macroF1();
        MlpModel teacherOnReal = MlpTrainer.train(new int[] {32}, x, y.length, y, null, 3, SETTINGS.teacherConfig(10));
        MlpModel onReal = MlpTrainer.distill(teacherOnReal, new int[] {16}, x, y.length, y, SETTINGS.studentConfig(11));
        double real = ClassificationMetrics.of(testY, onReal.predict(testX, testY.length), 3).macroF1();
        assertThat(generated).isGreaterThan(real - 0.05);
    }

    @Test
    void extraRowsAreTrainedOnAfterTheGeneratedOnes() {
        int[] y = MixturePriorTest.labels(900, 3, 5);
        float[] x = MixturePriorTest.rows(y, 6);
        MixturePrior prior = priorOf(x, y);
        float[] extraX = java.util.Arrays.copyOf(x, 12);
        int[] extraY = {y[0], y[1]};

        GeneratedTraining.Result r = GeneratedTraining.train(prior, prior.counts(), extraX, extraY, new int[] {16},
                new int[] {8}, SETTINGS, 1);

        assertThat(r.rows().size()).isEqualTo(902);
        assertThat(r.rows().y()[900]).isEqualTo(y[0]);
        assertThat(java.util.Arrays.copyOfRange(r.rows().x(), 900 * 6, 902 * 6)).containsExactly(extraX);
    }

    @Test
    void theSameInputsTrainTheSameStudent() {
        int[] y = MixturePriorTest.labels(900, 3, 7);
        MixturePrior prior = priorOf(MixturePriorTest.rows(y, 8), y);
        float[] probe = MixturePriorTest.rows(MixturePriorTest.labels(50, 3, 9), 10);

        float[] a = GeneratedTraining.train(prior, prior.counts(), new int[] {16}, new int[] {8}, SETTINGS, 3)
                .student().logits(probe, 50);
        float[] b = GeneratedTraining.train(prior, prior.counts(), new int[] {16}, new int[] {8}, SETTINGS, 3)
                .student().logits(probe, 50);
        assertThat(a).containsExactly(b);
    }

    /** Three edges' summaries of the rows (at most 4 sub-clusters per class), pooled. */
    private static MixturePrior priorOf(float[] x, int[] y) {
        return MixturePrior.pool(MixturePriorTest.threeEdges(x, y, 4), ColumnLayout.of(MixturePriorTest.SPEC),
                MixtureOptions.defaults());
    }
}
