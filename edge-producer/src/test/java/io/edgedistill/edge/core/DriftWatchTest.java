package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DriftWatchTest {
    private static EdgeSettings settings(double floor, EdgeSettings.DriftTrigger trigger) {
        return new EdgeSettings("edge-1", "task", "", true, floor, 0.6f, 0.5, 10, true, 0.01, trigger);
    }

    private static DriftWatch.Reading r(double f1, double confidence) {
        return new DriftWatch.Reading(f1, confidence);
    }

    @Test
    void aModelsFirstReadingIsItsReferenceAndAFallFromItIsDrift() {
        DriftWatch w = new DriftWatch(settings(0.0, EdgeSettings.DriftTrigger.DEFAULT));
        assertThat(w.drift("m@1", r(0.80, 0.90))).isEmpty();
        assertThat(w.reference("m@1")).contains(r(0.80, 0.90));
        assertThat(w.drift("m@1", r(0.77, 0.88))).as("within five points").isEmpty();
        assertThat(w.drift("m@1", r(0.90, 0.95))).as("better is not drift").isEmpty();
        assertThat(w.drift("m@1", r(0.74, 0.90))).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("macro-F1 fell from 0.800 to 0.740");
        assertThat(w.drift("m@1", r(0.80, 0.84))).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("mean confidence fell from 0.900 to 0.840");
        assertThat(w.reference("m@1")).as("the reference stays the first reading").contains(r(0.80, 0.90));
    }

    @Test
    void aNewModelStartsANewReference() {
        DriftWatch w = new DriftWatch(settings(0.0, EdgeSettings.DriftTrigger.DEFAULT));
        w.drift("m@1", r(0.95, 0.95));
        assertThat(w.drift("m@2", r(0.70, 0.80))).as("the first reading of v2, on traffic that already drifted").isEmpty();
        assertThat(w.reference("m@1")).isEmpty();
        assertThat(w.drift("m@2", r(0.60, 0.80))).isPresent();
    }

    @Test
    void theAbsoluteFloorSendsKnowledgeFromTheFirstReadingAndAZeroDropIsNotWatched() {
        DriftWatch floor = new DriftWatch(settings(0.85, EdgeSettings.DriftTrigger.OFF));
        assertThat(floor.drift("m@1", r(0.70, 0.9))).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("macro-F1 0.700 < 0.850");
        DriftWatch off = new DriftWatch(settings(0.0, EdgeSettings.DriftTrigger.OFF));
        off.drift("m@1", r(0.95, 0.95));
        assertThat(off.drift("m@1", r(0.10, 0.20))).isEmpty();
    }

    @Test
    void oneClassThatTheModelNowMissesIsDriftEvenWhenTheMacroF1Holds() {
        DriftWatch w = new DriftWatch(settings(0.0, EdgeSettings.DriftTrigger.DEFAULT));
        // reference: classes 0 and 1 on 100 rows each at recall 0.9, class 2 with 5 rows (too few to count)
        int[] truth = new int[205];
        int[] pred = new int[205];
        for (int i = 0; i < 205; i++) {
            truth[i] = i < 100 ? 0 : i < 200 ? 1 : 2;
            pred[i] = i % 10 == 0 ? (truth[i] + 1) % 3 : truth[i];
        }
        DriftWatch.Reading ref = DriftWatch.Reading.of(0.8, 0.9, truth, pred, 3);
        assertThat(w.drift("m@1", ref)).isEmpty();
        assertThat(ref.meanRecall(50)).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));

        // class 1 falls to recall 0.63 on 100 rows while the macro-F1 and the confidence stay
        int[] p2 = pred.clone();
        for (int i = 100; i < 130; i++) {
            p2[i] = 0;
        }
        assertThat(w.drift("m@1", DriftWatch.Reading.of(0.8, 0.9, truth, p2, 3), c -> "class-" + c))
                .get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("recall of class-1 fell from 0.900 to 0.630 on 100 rows");
        // a class that had too few rows and now has many, missed: compared with the reference's mean recall
        int[] t3 = java.util.Arrays.copyOf(truth, 305);
        int[] p3 = java.util.Arrays.copyOf(pred, 305);
        java.util.Arrays.fill(t3, 205, 305, 2);
        java.util.Arrays.fill(p3, 205, 305, 0);
        assertThat(w.drift("m@1", DriftWatch.Reading.of(0.8, 0.9, t3, p3, 3)))
                .get(org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("the class was rare");
        // the same fall on fewer rows than minClassRows is noise
        int[] t4 = java.util.Arrays.copyOf(truth, 240);
        int[] p4 = java.util.Arrays.copyOf(pred, 240);
        java.util.Arrays.fill(t4, 205, 240, 2);
        java.util.Arrays.fill(p4, 205, 240, 0);
        assertThat(w.drift("m@1", DriftWatch.Reading.of(0.8, 0.9, t4, p4, 3))).isEmpty();
    }

    @Test
    void theReferenceOutlivesARestartAndABrokenStateFileIsIgnored(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("edge-1").resolve("drift-reference.properties");
        EdgeSettings s = settings(0.0, EdgeSettings.DriftTrigger.DEFAULT);
        DriftWatch.Reading first = DriftWatch.Reading.of(0.95, 0.97, new int[] {0, 0, 1}, new int[] {0, 1, 1}, 3);
        new DriftWatch(s, file).drift("m@1", first);

        DriftWatch restarted = new DriftWatch(s, file);
        assertThat(restarted.reference("m@1")).contains(first);
        assertThat(restarted.drift("m@1", r(0.80, 0.97))).as("the fall from before the restart").isPresent();
        assertThat(restarted.drift("m@2", r(0.80, 0.97))).as("another model: a new reference").isEmpty();
        assertThat(new DriftWatch(s, file).reference("m@2")).contains(r(0.80, 0.97));

        java.nio.file.Files.writeString(file, "model=m@2\nmacroF1=not-a-number\n");
        DriftWatch broken = new DriftWatch(s, file);
        assertThat(broken.reference("m@2")).isEmpty();
        assertThat(broken.drift("m@2", r(0.70, 0.9))).as("the next reading is the reference").isEmpty();
    }

    @Test
    void meanConfidenceIsTheMeanTopProbability() {
        float[] proba = {0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f};
        assertThat(DriftWatch.meanConfidence(proba, 2, 3)).isCloseTo(0.65, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(DriftWatch.meanConfidence(new float[0], 0, 3)).isNaN();
        assertThatThrownBy(() -> new EdgeSettings.DriftTrigger(-0.1, 0.05, 0.2, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EdgeSettings.DriftTrigger(0.05, Double.NaN, 0.2, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EdgeSettings.DriftTrigger(0.05, 0.05, 0.2, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
