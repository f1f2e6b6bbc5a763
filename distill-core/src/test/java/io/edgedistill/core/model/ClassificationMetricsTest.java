package io.edgedistill.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    // class 0: 4 rows, 3 right, 1 taken for class 1; class 1: 2 rows, both right
    private final int[] truth = {0, 0, 0, 0, 1, 1};
    private final int[] predicted = {0, 0, 0, 1, 1, 1};

    @Test
    void accuracyAndMacroF1() {
        ClassificationMetrics m = ClassificationMetrics.of(truth, predicted, 2);
        assertThat(m.accuracy()).isCloseTo(5.0 / 6, within(1e-12));
        assertThat(m.perClassF1()[0]).isCloseTo(2.0 * 3 / (2 * 3 + 0 + 1), within(1e-12));
        assertThat(m.perClassF1()[1]).isCloseTo(2.0 * 2 / (2 * 2 + 1 + 0), within(1e-12));
        assertThat(m.macroF1()).isCloseTo((6.0 / 7 + 4.0 / 5) / 2, within(1e-12));
    }

    @Test
    void weightsReplayAnotherClassMix() {
        // class 0 counted 3 times: as if the population held 12 rows of class 0 for 2 of class 1
        ClassificationMetrics m = ClassificationMetrics.weighted(truth, predicted, 2, new double[] {3, 1});
        assertThat(m.accuracy()).isCloseTo((3.0 * 3 + 2) / (3.0 * 4 + 2), within(1e-12));
        assertThat(m.perClassF1()[0]).isCloseTo(2.0 * 9 / (2 * 9 + 0 + 3), within(1e-12));
        assertThat(m.perClassF1()[1]).isCloseTo(2.0 * 2 / (2 * 2 + 3 + 0), within(1e-12)); // precision falls with the mix
        // a class of weight 0 is left out, and its rows are not false positives of others
        ClassificationMetrics only1 = ClassificationMetrics.weighted(truth, predicted, 2, new double[] {0, 1});
        assertThat(only1.accuracy()).isEqualTo(1.0);
        assertThat(only1.perClassF1()[0]).isNaN();
        assertThat(only1.macroF1()).isEqualTo(1.0);
        assertThat(ClassificationMetrics.weighted(truth, predicted, 2, null)).usingRecursiveComparison()
                .isEqualTo(ClassificationMetrics.of(truth, predicted, 2));
    }
}
