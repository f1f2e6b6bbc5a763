package io.edgedistill.updater.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.updater.service.PublicationGate.Reference;
import io.edgedistill.updater.service.PublicationGate.Verdict;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The publication rule on validation scores alone: no network is trained here. */
class PublicationGateTest {
    /** Scores in binary fractions, so that thresholds are exact. */
    private static final double MIN_IMPROVEMENT = 0.125;
    private static final double TOLERANCE = 0.25;

    private final PublicationGate gate = new PublicationGate(MIN_IMPROVEMENT, TOLERANCE);

    private static ClassificationMetrics scores(double macroF1, long samples) {
        return new ClassificationMetrics(0.5, macroF1, samples, new double[] {macroF1, macroF1});
    }

    @Nested
    class OnTheRowsAsTheyAre {
        private final Reference live = new Reference("5g", 4, 0.5);
        private final Reference global = new Reference("5g", 7, 0.75);

        @Test
        void theFirstModelOfATaskIsPublishedWithNothingToCompare() {
            Verdict v = gate.judge(scores(0.125, 300), null, null);

            assertThat(v.publishes()).isTrue();
            assertThat(v.previousMacroF1()).isNull();
            assertThat(v.metrics().macroF1()).isEqualTo(0.125);
        }

        @Test
        void aTasksFirstModelMustBeatTheMajorityClassBaselineByTheMargin() {
            PublicationGate withFloor = new PublicationGate(MIN_IMPROVEMENT, TOLERANCE, 0.125);
            Verdict weak = withFloor.judge(scores(0.3125, 300), null, null, 0.25);
            assertThat(weak.publishes()).isFalse();
            assertThat(weak.refusal()).isEqualTo(String.format("first model: macro-F1 %.4f does not beat the majority-class "
                    + "baseline (%.4f) by %.4f", 0.3125, 0.25, 0.125));
            assertThat(withFloor.judge(scores(0.375, 300), null, null, 0.25).publishes()).as("at the floor").isTrue();
            assertThat(withFloor.judge(scores(0.375, 300), null, null, 0.25 - 0.0625).publishes()).isTrue();
            assertThat(withFloor.judge(scores(0.375, 300), live, null, 0.25).publishes())
                    .as("only a first model is held to the floor").isFalse(); // 0.375 < live 0.5 + 0.125 anyway
            assertThat(withFloor.judge(scores(0.625, 300), live, null, 0.6).publishes()).as("a later model: the live one decides")
                    .isTrue();
        }

        @Test
        void aCandidateReachingTheLiveModelPlusTheMinimumImprovementIsPublished() {
            Verdict v = gate.judge(scores(0.625, 300), live, null);

            assertThat(v.publishes()).isTrue();
            assertThat(v.previousMacroF1()).isEqualTo(0.5);
        }

        @Test
        void aCandidateBelowTheLiveModelPlusTheMinimumImprovementIsRefusedWithTheThreshold() {
            Verdict v = gate.judge(scores(0.5625, 300), live, null);

            assertThat(v.publishes()).isFalse();
            assertThat(v.refusal()).isEqualTo(String.format("macro-F1 %.4f is below live 5g v4 (%.4f, threshold %.4f)",
                    0.5625, 0.5, 0.625));
            assertThat(v.previousMacroF1()).isEqualTo(0.5);
            assertThat(v.metrics().macroF1()).isEqualTo(0.5625);
        }

        @Test
        void aCandidateWithoutAScoreIsRefusedWhenAModelIsLive() {
            assertThat(gate.judge(scores(Double.NaN, 0), live, null).publishes()).isFalse();
        }

        @Test
        void aCohortsFirstModelMayBeUpToTheToleranceBelowTheGlobalModel() {
            assertThat(gate.judge(scores(0.5, 300), null, global).publishes()).isTrue();

            Verdict below = gate.judge(scores(0.4375, 300), null, global);
            assertThat(below.publishes()).isFalse();
            assertThat(below.refusal()).contains("below global live 5g v7 minus tolerance 0.25");
            assertThat(below.previousMacroF1()).isEqualTo(0.75);
        }

        @Test
        void aCohortsNextModelIsComparedWithItsOwnLiveModelNotTheGlobalOne() {
            Reference cohortLive = new Reference("5g/north", 2, 0.25);

            Verdict v = gate.judge(scores(0.375, 300), cohortLive, global);

            assertThat(v.publishes()).isTrue();
            assertThat(v.previousMacroF1()).isEqualTo(0.25);
        }
    }

    @Nested
    class OnACohortsTrafficMix {
        private final Reference runsOnMix = new Reference("5g/north", 2, 0.75);
        private final Reference globalAsIs = new Reference("5g", 7, 0.75);

        @Test
        void aCandidateWithinTheToleranceIsPublishedWithItsScoresOnTheMix() {
            ClassificationMetrics onMix = new ClassificationMetrics(0.625, 0.5, 120, new double[] {0.5, 0.5});
            ClassificationMetrics whole = new ClassificationMetrics(0.75, 0.625, 300, new double[] {0.625, 0.625});

            Verdict v = gate.judgeOnCohortMix(onMix, whole, runsOnMix, globalAsIs);

            assertThat(v.publishes()).isTrue();
            assertThat(v.previousMacroF1()).isEqualTo(0.75);
            assertThat(v.metrics().macroF1()).isEqualTo(0.5);
            assertThat(v.metrics().accuracy()).isEqualTo(0.625);
            assertThat(v.metrics().samples()).as("the rows scored are the whole set's").isEqualTo(300);
        }

        @Test
        void aCandidateMoreThanTheToleranceBelowWhatTheCohortRunsIsRefusedAndRecordedOnTheWholeSet() {
            ClassificationMetrics whole = scores(0.75, 300);

            Verdict v = gate.judgeOnCohortMix(scores(0.4375, 120), whole, runsOnMix, globalAsIs);

            assertThat(v.publishes()).isFalse();
            assertThat(v.refusal()).isEqualTo(String.format("macro-F1 on the cohort's traffic mix %.4f is more than the "
                    + "tolerance %.2f below 5g/north v2's %.4f", 0.4375, 0.25, 0.75));
            assertThat(v.metrics()).isSameAs(whole);
            assertThat(v.previousMacroF1()).isEqualTo(0.75);
        }

        @Test
        void aCandidateMoreThanTheToleranceBelowTheGlobalModelOnTheWholeSetIsRefused() {
            Verdict v = gate.judgeOnCohortMix(scores(0.75, 120), scores(0.4375, 300), runsOnMix, globalAsIs);

            assertThat(v.publishes()).isFalse();
            assertThat(v.refusal()).isEqualTo(String.format("macro-F1 %.4f on the whole validation set is more than "
                    + "the tolerance %.2f below the global 5g v7's %.4f", 0.4375, 0.25, 0.75));
        }

        @Test
        void aGlobalModelWithoutAScoreDoesNotHoldACandidateBack() {
            Reference unscored = new Reference("5g", 7, Double.NaN);

            assertThat(gate.judgeOnCohortMix(scores(0.75, 120), scores(0.125, 300), runsOnMix, unscored).publishes())
                    .isTrue();
        }

        @Test
        void withNothingRunningOnlyTheGlobalModelCountsAndThereIsNoPreviousScore() {
            Verdict v = gate.judgeOnCohortMix(scores(0.125, 120), scores(0.625, 300), null, globalAsIs);

            assertThat(v.publishes()).isTrue();
            assertThat(v.previousMacroF1()).isNull();
        }

        @Test
        void aCandidateWithoutAScoreOnTheMixIsRefusedAndWithNothingToCompareNoVerdictIsPossible() {
            assertThat(gate.judgeOnCohortMix(scores(Double.NaN, 0), scores(0.75, 300), runsOnMix, globalAsIs)
                    .publishes()).isFalse();
            assertThatThrownBy(() -> gate.judgeOnCohortMix(scores(Double.NaN, 0), scores(0.75, 300), null, null))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
