package io.edgedistill.bench.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.core.aggregate.PoisonDetector;
import io.edgedistill.core.mixture.ColumnLayout;
import io.edgedistill.core.personal.CohortTraining;
import org.junit.jupiter.api.Test;

/**
 * Deterministic smoke run of the reverse-distillation experiment (issue 14) on small generated data: the product's path
 * (the fleet's mixture, the updater's recipe, knowledge v2, the cohort fine-tune, both gates). The full tables are in
 * docs/results.md.
 */
class DriftExperimentTest {
    private static final DataLoading.Prepared DATA = DataLoading.split(DataLoading.generate5gNidd(8000, 42, 150), 0.2,
            2026, "generated");

    private static DriftExperiment experiment() {
        return new DriftExperiment(DATA.train(), DATA.test(), ColumnLayout.of(DATA.spec()), DATA.spec().benignIndex(),
                SubclusterSettings.defaults(), CohortTraining.Settings.defaults(), PoisonDetector.DEFAULT_COUNT_CAP, 0.05, 0.01,
                DriftExperiment.CONFIDENCE_THRESHOLD);
    }

    @Test
    void aClassOnlyTheDriftedEdgeHoldsIsLearntByItsPersonalisedModelFromAFewKilobytesOfKnowledge() {
        DriftExperiment.Trial t = experiment().trial(Harness.Settings.defaults(10, 0.5, 10, 2026), 4000,
                DriftExperiment.Scenario.NOVEL);
        assertThat(t.personalisedF1()).as(t.what()).isGreaterThan(t.globalF1() + 0.05);
        assertThat(t.offered()).as("within the updater's tolerance on the validation rows").isTrue();
        assertThat(t.accepted()).as("the edge's gate on its hold-out").isTrue();
        assertThat(t.knowledgeBytes()).isPositive().isLessThanOrEqualTo(64 * 1024);
        assertThat(t.knowledgeRows()).isPositive();
        // adopted by the global model (an operator's approval, or corroborating edges), the novelty helps the fleet's

        assertThat(t.adoption().allAfter()).isGreaterThan(t.adoption().allBefore() + 0.05);
        assertThat(t.adoption().othersAfter()).isGreaterThan(t.adoption().othersBefore() - 0.03);
    }

    @Test
    void attackClassesThatMovedAreLearntBackFromTheKnowledgeWhichTheFleetMixtureAloneCannotDo() {
        DriftExperiment.Trial t = experiment().trial(Harness.Settings.defaults(10, 0.5, 10, 2026), 4000,
                DriftExperiment.Scenario.FEATURE);
        assertThat(t.personalisedF1()).as(t.what()).isGreaterThan(t.globalF1() + 0.05);
        assertThat(t.personalisedF1()).as("the knowledge, not the class mix, carries the gain").isGreaterThan(t.mixOnlyF1() + 0.03);
    }
}
