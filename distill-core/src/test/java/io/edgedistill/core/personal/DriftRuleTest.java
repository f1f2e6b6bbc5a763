package io.edgedistill.core.personal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgedistill.core.model.ClassificationMetrics;
import org.junit.jupiter.api.Test;

class DriftRuleTest {
    private static final DriftRule.Trigger T = DriftRule.Trigger.DEFAULT;
    /** The default without the macro-F1 rule, to see the class rule alone. */
    private static final DriftRule.Trigger CLASS_ONLY = new DriftRule.Trigger(0, 0.05, 0.2, 50);

    /** The reading of {@code pred} against {@code truth} over 3 classes, at mean confidence 0.9. */
    private static DriftRule.Reading reading(int[] truth, int[] pred) {
        return DriftRule.Reading.of(ClassificationMetrics.of(truth, pred, 3), 0.9, truth, pred);
    }

    private static DriftRule.Reading r(double f1, double confidence) {
        return new DriftRule.Reading(f1, confidence);
    }

    @Test
    void aFallOfTheMacroF1OrTheConfidenceBelowTheReferenceIsDriftAndTheFloorIsAbsolute() {
        DriftRule.Reading ref = r(0.80, 0.90);
        assertThat(DriftRule.drift(ref, r(0.77, 0.88), 0, T, c -> "")).as("within five points").isEmpty();
        assertThat(DriftRule.drift(ref, r(0.90, 0.95), 0, T, c -> "")).as("better is not drift").isEmpty();
        assertThat(DriftRule.drift(ref, r(0.74, 0.90), 0, T, c -> "")).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("macro-F1 fell from 0.800 to 0.740");
        assertThat(DriftRule.drift(ref, r(0.80, 0.84), 0, T, c -> "")).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("mean confidence fell from 0.900 to 0.840");
        assertThat(DriftRule.drift(ref, r(0.80, 0.90), 0.85, DriftRule.Trigger.OFF, c -> ""))
                .get(org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("macro-F1 0.800 < 0.850");
        assertThat(DriftRule.drift(r(0.95, 0.95), r(0.10, 0.20), 0, DriftRule.Trigger.OFF, c -> "")).isEmpty();
        // per-class figures that are not numbers are never drift
        DriftRule.Reading nan = new DriftRule.Reading(0.8, 0.9, new long[] {100, 100}, new double[] {Double.NaN, 0.9},
                new double[] {Double.NaN, 0.9});
        assertThat(DriftRule.drift(nan, nan, 0, T, c -> "")).isEmpty();
        assertThat(nan.finite()).isTrue();
        assertThat(r(Double.NaN, 0.9).finite()).isFalse();
    }

    @Test
    void oneClassThatTheModelNowMissesIsDriftEvenWhenTheMacroF1Holds() {
        // reference: classes 0 and 1 on 100 rows each at recall 0.9, class 2 with 5 rows (too few to count)
        int[] truth = new int[205];
        int[] pred = new int[205];
        for (int i = 0; i < 205; i++) {
            truth[i] = i < 100 ? 0 : i < 200 ? 1 : 2;
            pred[i] = i % 10 == 0 ? (truth[i] + 1) % 3 : truth[i];
        }
        DriftRule.Reading ref = reading(truth, pred);
        assertThat(DriftRule.drift(ref, ref, 0, CLASS_ONLY, c -> "class " + c)).isEmpty();
        assertThat(ref.meanRecall(50)).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));

        // class 1 falls to recall 0.63 on 100 rows while the macro-F1 and the confidence stay
        int[] p2 = pred.clone();
        for (int i = 100; i < 130; i++) {
            p2[i] = 0;
        }
        assertThat(DriftRule.drift(ref, reading(truth, p2), 0, CLASS_ONLY, c -> "class-" + c))
                .get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("recall of class-1 fell from 0.900 to 0.630 on 100 rows");
        // a class that had too few rows and now has many, missed: compared with the reference's mean recall
        int[] t3 = java.util.Arrays.copyOf(truth, 305);
        int[] p3 = java.util.Arrays.copyOf(pred, 305);
        java.util.Arrays.fill(t3, 205, 305, 2);
        java.util.Arrays.fill(p3, 205, 305, 0);
        assertThat(DriftRule.drift(ref, reading(t3, p3), 0, CLASS_ONLY, c -> "class " + c))
                .get(org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("the class was rare");
        // the same fall on fewer rows than minClassRows is noise
        int[] t4 = java.util.Arrays.copyOf(truth, 240);
        int[] p4 = java.util.Arrays.copyOf(pred, 240);
        java.util.Arrays.fill(t4, 205, 240, 2);
        java.util.Arrays.fill(p4, 205, 240, 0);
        assertThat(DriftRule.drift(ref, reading(t4, p4), 0, CLASS_ONLY, c -> "class " + c)).isEmpty();
    }

    @Test
    void theMacroF1RuleSeesOnlyClassesWithEnoughRowsInBothReadings() {
        // 100 rows each of classes 0 and 1, all right; class 2 with 3 rows, all wrong, in the second window only
        int[] t1 = new int[200];
        int[] t2 = new int[203];
        for (int i = 0; i < 200; i++) {
            t1[i] = t2[i] = i < 100 ? 0 : 1;
        }
        int[] p1 = t1.clone();
        int[] p2 = t2.clone();
        t2[200] = t2[201] = t2[202] = 2;
        DriftRule.Reading a = reading(t1, p1);
        DriftRule.Reading b = reading(t2, p2); // the plain macro-F1 falls by a third
        assertThat(b.classF1()[2]).isZero();
        assertThat(DriftRule.drift(a, b, 0, T, c -> "")).as("a rare class does not swing the rule").isEmpty();
        // class 1 called class 0 for half its rows: both classes' F1 fall
        int[] p3 = p1.clone();
        java.util.Arrays.fill(p3, 100, 150, 0);
        assertThat(DriftRule.drift(a, reading(t1, p3), 0, T, c -> ""))
                .get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("macro-F1 over the 2 classes with 50 rows or more fell from 1.000 to 0.733");
    }

    @Test
    void meanConfidenceIsTheMeanTopProbability() {
        float[] proba = {0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f};
        assertThat(DriftRule.meanConfidence(proba, 2, 3)).isCloseTo(0.65, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(DriftRule.meanConfidence(new float[0], 0, 3)).isNaN();
        assertThatThrownBy(() -> new DriftRule.Trigger(-0.1, 0.05, 0.2, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DriftRule.Trigger(0.05, Double.NaN, 0.2, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DriftRule.Trigger(0.05, 0.05, 0.2, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
