package io.edgedistill.bench.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.core.aggregate.BackdoorScreen;
import io.edgedistill.core.aggregate.PoisonDetector;
import io.edgedistill.core.mixture.ColumnLayout;
import org.junit.jupiter.api.Test;

/**
 * Deterministic smoke run of the backdoor experiment (issue 15) on small generated data: the product's path (sub-cluster
 * summaries, screen, count bound, the updater's recipe). The full tables are in docs/reliability.md.
 */
class BackdoorExperimentTest {
    private static final DataLoading.Prepared DATA = DataLoading.split(DataLoading.generate5gNidd(8000, 42, 150), 0.2,
            2026, "generated");

    private static BackdoorExperiment experiment() {
        return new BackdoorExperiment(DATA.train(), DATA.test(), ColumnLayout.of(DATA.spec()), DATA.spec().benignIndex(),
                SubclusterSettings.defaults(), BackdoorScreen.Config.defaults(DATA.spec().benignIndex()),
                PoisonDetector.DEFAULT_COUNT_CAP);
    }

    private static Harness.Settings settings() {
        return Harness.Settings.defaults(10, 0.5, 10, 2026);
    }

    @Test
    void aTriggerOnATenthOfTheAttackersAttackRowsPlantsABackdoorThatTheScreenRemoves() {
        BackdoorExperiment.Trial t = experiment().trial(settings(), 3000, 0.10, BackdoorExperiment.Variant.RARE);
        assertThat(t.stamped()).isPositive();
        assertThat(t.successUndefended()).as("the backdoor works without the screen").isGreaterThan(0.2);
        assertThat(t.caught()).as(t.reason()).isTrue();
        assertThat(t.falseFlags()).isZero();
        assertThat(t.successDefended()).isLessThanOrEqualTo(0.10);
        assertThat(t.defendedF1()).isCloseTo(t.cleanF1(), org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void anHonestFleetIsNotFlaggedAndCountsInflatedAHundredfoldAreBounded() {
        assertThat(experiment().honest(settings(), 2000).quarantinedEdges()).isZero();
        BackdoorExperiment.Inflation i = experiment().inflation(settings(), 3000, 100, 0);
        assertThat(i.boundedF1()).as("with the count bound, within a point of the honest edges alone")
                .isGreaterThanOrEqualTo(i.cleanF1() - 0.01);
    }
}
