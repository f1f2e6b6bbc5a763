package io.edgedistill.updater.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.updater.service.HistoryEntry.Attempt;
import io.edgedistill.updater.service.HistoryEntry.Status;
import org.junit.jupiter.api.Test;

/** Each kind of decision fills the history fields that mean something for it, the others consistently. */
class HistoryEntryTest {
    private final Attempt attempt = Attempt.start("5g/north", "north", 3, "synthetic-set v7", 7);
    private final ClassificationMetrics metrics = new ClassificationMetrics(0.75, 0.5, 300, new double[] {0.5});

    @Test
    void aPublishedEntryCarriesTheAttemptTheScoresAndThePreviousScore() {
        HistoryEntry e = HistoryEntry.published(attempt, metrics, 0.25, "why");

        assertThat(e.status()).isEqualTo(Status.PUBLISHED);
        assertThat(e.modelId()).isEqualTo("5g/north");
        assertThat(e.cohort()).isEqualTo("north");
        assertThat(e.version()).isEqualTo(3);
        assertThat(e.trigger()).isEqualTo("synthetic-set v7");
        assertThat(e.syntheticSetVersion()).isEqualTo(7);
        assertThat(e.macroF1()).isEqualTo(0.5);
        assertThat(e.accuracy()).isEqualTo(0.75);
        assertThat(e.validationSamples()).isEqualTo(300);
        assertThat(e.previousMacroF1()).isEqualTo(0.25);
        assertThat(e.reason()).isEqualTo("why");
        assertThat(e.trainMillis()).isNotNegative();
    }

    @Test
    void aRefusedEntryDiffersFromAPublishedOneOnlyInItsStatus() {
        HistoryEntry e = HistoryEntry.refused(attempt, metrics, 0.25, "worse");

        assertThat(e.status()).isEqualTo(Status.REFUSED);
        assertThat(e).usingRecursiveComparison().ignoringFields("status", "trainMillis", "at")
                .isEqualTo(HistoryEntry.published(attempt, metrics, 0.25, "worse"));
    }

    @Test
    void aFailedEntryHasNoScoresButKeepsTheVersionItWouldHaveHad() {
        HistoryEntry e = HistoryEntry.failed(attempt, "IllegalStateException: boom");

        assertThat(e.status()).isEqualTo(Status.FAILED);
        assertThat(e.version()).isEqualTo(3);
        assertThat(e.syntheticSetVersion()).isEqualTo(7);
        assertUnscored(e);
    }

    @Test
    void aSkippedEntryHasNoVersionNoScoresAndNoTrainingTime() {
        HistoryEntry e = HistoryEntry.skipped("5g/edge-1", "edge-1", "knowledge from edge-1", -1, "no set yet");

        assertThat(e.status()).isEqualTo(Status.SKIPPED);
        assertThat(e.version()).isEqualTo(-1);
        assertThat(e.syntheticSetVersion()).isEqualTo(-1);
        assertThat(e.trainMillis()).isZero();
        assertUnscored(e);
    }

    private static void assertUnscored(HistoryEntry e) {
        assertThat(e.macroF1()).isNaN();
        assertThat(e.accuracy()).isNaN();
        assertThat(e.previousMacroF1()).isNull();
        assertThat(e.validationSamples()).isZero();
    }

    @Test
    void theStatusNamesAreTheWireNamesOtherModulesParse() {
        assertThat(Status.values()).extracting(Status::name).containsExactly("PUBLISHED", "REFUSED", "SKIPPED", "FAILED",
                "CANARY", "PROMOTED", "ROLLED_BACK");
    }
}
