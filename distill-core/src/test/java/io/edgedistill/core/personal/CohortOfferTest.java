package io.edgedistill.core.personal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.model.MlpModel;
import org.junit.jupiter.api.Test;

class CohortOfferTest {

    /** A one-layer model (2 inputs → 3 classes) whose output is x·W + b. */
    private static MlpModel linear(float[] weights, float[] bias) {
        return new MlpModel(new int[] {2, 3}, new float[][] {weights}, new float[][] {bias});
    }

    @Test
    void theMixOfClassTotalsSumsToOneAndNoTotalsHaveNone() {
        assertThat(CohortOffer.mix(new long[] {30, 0, 10})).containsExactly(0.75, 0.0, 0.25);
        assertThat(CohortOffer.mix(new long[] {0, 0})).isNull();
        assertThatThrownBy(() -> CohortOffer.mix(new long[] {1, -1})).isInstanceOf(IllegalArgumentException.class);
        assertThat(CohortOffer.classCounts(new int[] {0, 2, 2, 1}, 3, 3)).containsExactly(1.0, 0.0, 2.0);
    }

    @Test
    void theClassPriorMovesOnlyTheOutputBiasesByTheLogRatioOfTheMixes() {
        MlpModel m = linear(new float[] {1, 0, 0, 0, 1, 0}, new float[] {0.5f, 0, 0});
        double[] train = {100, 100, 100};
        double[] mix = {0.8, 0.2, 0.0};
        MlpModel adapted = CohortOffer.withClassPrior(m, train, mix);
        assertThat(adapted.weights(0)).containsExactly(m.weights(0));
        double f = CohortOffer.PRIOR_FLOOR;
        double pt = 101.0 / 303;
        assertThat((double) adapted.biases(0)[0]).isCloseTo(0.5 + Math.log((0.8 + f) / (1 + 3 * f) / pt), within(1e-5));
        assertThat((double) adapted.biases(0)[2]).isCloseTo(Math.log(f / (1 + 3 * f) / pt), within(1e-5));
        // the unreported class stays reachable: a row that is clearly of it is still called it
        float[] row = {0, 0};
        MlpModel strong = linear(new float[] {0, 0, 20, 0, 0, 0}, new float[] {0, 0, 0});
        assertThat(CohortOffer.withClassPrior(strong, train, mix).predict(new float[] {0, 1}, 1)).containsExactly(0);
        assertThat(CohortOffer.withClassPrior(strong, train, mix).predict(new float[] {1, 0}, 1)).containsExactly(2);
        assertThat(m.predict(row, 1)).containsExactly(0);
        assertThatThrownBy(() -> CohortOffer.withClassPrior(m, new double[2], mix)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFirstCandidateThatTheRulePassesIsOfferedAdaptedToTheMix() {
        // validation: 90 rows of class 0 at x=(1,0), 10 of class 1 at x=(0,1); class 2 absent
        float[] x = new float[200];
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) {
            y[i] = i < 90 ? 0 : 1;
            x[2 * i] = y[i] == 0 ? 1 : 0;
            x[2 * i + 1] = y[i] == 1 ? 1 : 0;
        }
        Dataset val = new Dataset(x, y, 2, List.of("a", "b", "c"), List.of("f0", "f1"));
        MlpModel alwaysA = linear(new float[] {0, 0, 0, 0, 0, 0}, new float[] {1, 0, 0});
        MlpModel right = linear(new float[] {1, 0, 0, 0, 1, 0}, new float[] {0, 0, 0});
        double[] mix = {0.5, 0.5, 0};
        assertThat(CohortOffer.rowWeights(y, mix, 3)).containsExactly(0.5 / 90, 0.5 / 10, 0.0);
        double[] train = {100, 100, 100};
        List<CohortOffer.Candidate> both = List.of(new CohortOffer.Candidate(alwaysA, train),
                new CohortOffer.Candidate(right, train));

        // a rule that passes what scores 0.9 on the mix: the first fails it, the second is offered
        CohortOffer.Offer<Boolean> o = CohortOffer.firstOffered(both, val, mix, (m, w) -> m.macroF1() >= 0.9, b -> b);
        assertThat(o.index()).isEqualTo(1);
        assertThat(o.network()).isSameAs(right);
        assertThat(o.model().biases(0)).isNotEqualTo(right.biases(0)); // offered adapted to the mix
        assertThat(o.onMix().macroF1()).isCloseTo(1.0, within(1e-9));
        assertThat(o.whole().macroF1()).isCloseTo(1.0, within(1e-9));
        // a rule that passes everything: the first in the order of preference, even though the second scores higher
        assertThat(CohortOffer.firstOffered(both, val, mix, (m, w) -> true, b -> b).index()).isZero();
        // nothing passes: the first, with its verdict
        CohortOffer.Offer<Boolean> none = CohortOffer.firstOffered(both, val, mix, (m, w) -> false, b -> b);
        assertThat(none.index()).isZero();
        assertThat(none.verdict()).isFalse();
        assertThatThrownBy(() -> CohortOffer.firstOffered(List.of(), val, mix, (m, w) -> true, b -> b))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRuleRefusesWhatIsClearlyWorseOnTheMixOrOnTheWholeValidationSet() {
        assertThat(CohortOffer.refusal(0.80, 0.70, 0.84, "g v1", 0.74, "g v1", 0.05)).isEmpty();
        assertThat(CohortOffer.refusal(0.78, 0.70, 0.84, "g v1", 0.74, "g v1", 0.05)).get()
                .asString().contains("cohort's traffic mix 0.7800").contains("g v1's 0.8400");
        assertThat(CohortOffer.refusal(0.90, 0.68, 0.84, "g v1", 0.74, "g v1", 0.05)).get()
                .asString().contains("whole validation set");
        assertThat(CohortOffer.refusal(Double.NaN, 0.9, 0.84, "g v1", 0.74, "g v1", 0.05)).isPresent();
        assertThat(CohortOffer.refusal(0.5, 0.5, Double.NaN, "-", Double.NaN, "-", 0.05)).as("nothing to compare with").isEmpty();
    }
}
