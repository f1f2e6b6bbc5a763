package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.core.personal.DriftRule;
import org.junit.jupiter.api.Test;

class DriftWatchTest {
    private static EdgeSettings settings(double floor, DriftRule.Trigger trigger) {
        return new EdgeSettings("edge-1", "task", "", true, floor, 0.6f, 0.5, 10, true, 0.01, trigger);
    }

    private static DriftRule.Reading r(double f1, double confidence) {
        return new DriftRule.Reading(f1, confidence);
    }

    @Test
    void aModelsFirstReadingIsItsReferenceAndAFallFromItIsDrift() {
        DriftWatch w = new DriftWatch(settings(0.0, DriftRule.Trigger.DEFAULT));
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
        DriftWatch w = new DriftWatch(settings(0.0, DriftRule.Trigger.DEFAULT));
        w.drift("m@1", r(0.95, 0.95));
        assertThat(w.drift("m@2", r(0.70, 0.80))).as("the first reading of v2, on traffic that already drifted").isEmpty();
        assertThat(w.reference("m@1")).isEmpty();
        assertThat(w.drift("m@2", r(0.60, 0.80))).isPresent();
    }

    @Test
    void theAbsoluteFloorSendsKnowledgeFromTheFirstReadingAndAZeroDropIsNotWatched() {
        DriftWatch floor = new DriftWatch(settings(0.85, DriftRule.Trigger.OFF));
        assertThat(floor.drift("m@1", r(0.70, 0.9))).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("macro-F1 0.700 < 0.850");
        DriftWatch off = new DriftWatch(settings(0.0, DriftRule.Trigger.OFF));
        off.drift("m@1", r(0.95, 0.95));
        assertThat(off.drift("m@1", r(0.10, 0.20))).isEmpty();
    }

    @Test
    void theReferenceOutlivesARestartAndABrokenStateFileIsIgnored(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("edge-1").resolve("drift-reference.properties");
        EdgeSettings s = settings(0.0, DriftRule.Trigger.DEFAULT);
        int[] truth = {0, 0, 1};
        int[] pred = {0, 0, 1}; // macro-F1 1.0; class 2 without rows (NaN recall and F1, kept as such)
        DriftRule.Reading first = DriftRule.Reading.of(io.edgedistill.core.model.ClassificationMetrics.of(truth, pred, 3),
                0.97, truth, pred);
        new DriftWatch(s, file).drift("m@1", first);

        DriftWatch restarted = new DriftWatch(s, file);
        assertThat(restarted.reference("m@1")).contains(first);
        assertThat(restarted.drift("m@1", r(0.80, 0.97))).as("the fall from before the restart").isPresent();
        assertThat(restarted.drift("m@2", r(0.80, 0.97))).as("another model: a new reference").isEmpty();
        assertThat(new DriftWatch(s, file).reference("m@2")).contains(r(0.80, 0.97));

        // a file without the per-class figures (an earlier format) keeps its scores
        java.nio.file.Files.writeString(file, "model=m@3\nmacroF1=0.9\nconfidence=0.95\nclassRows=10,20\nclassRecall=0.5,0.5\n");
        assertThat(new DriftWatch(s, file).reference("m@3")).contains(r(0.9, 0.95));
        // a reading that is not a number never becomes a reference
        DriftWatch fresh = new DriftWatch(s, null);
        assertThat(fresh.drift("m@4", r(Double.NaN, 0.9))).isEmpty();
        assertThat(fresh.reference("m@4")).isEmpty();

        java.nio.file.Files.writeString(file, "model=m@2\nmacroF1=not-a-number\n");
        DriftWatch broken = new DriftWatch(s, file);
        assertThat(broken.reference("m@2")).isEmpty();
        assertThat(broken.drift("m@2", r(0.70, 0.9))).as("the next reading is the reference").isEmpty();
    }
}
