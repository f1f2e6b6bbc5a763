package io.edgedistill.updater.service;

import java.time.Instant;

import io.edgedistill.core.model.ClassificationMetrics;

/**
 * One decision of the updater, for the HTTP history. Built with the named factories ({@link #published},
 * {@link #refused}, {@link #failed}, {@link #skipped}) so that each kind of decision fills the fields that mean
 * something for it, and the others consistently (NaN metrics, no previous score, version -1 when nothing was
 * trained).
 *
 * @param modelId             model the decision is about
 * @param cohort              cohort of a personalised model, or null
 * @param status              what was decided
 * @param version             published version, or the version it would have had
 * @param trigger             what triggered it ("synthetic-set v3", "knowledge from edge-1 ...")
 * @param syntheticSetVersion synthetic set the candidate was trained on (-1 if none)
 * @param macroF1             candidate macro-F1 on the validation set (NaN if not evaluated)
 * @param accuracy            candidate accuracy on the validation set (NaN if not evaluated)
 * @param previousMacroF1     live model's macro-F1 on the same validation set (null when there was none)
 * @param validationSamples   validation rows scored
 * @param reason              why (refusal reason, or a short description)
 * @param trainMillis         time spent training and validating
 * @param at                  when the decision was taken
 */
public record HistoryEntry(String modelId, String cohort, Status status, long version, String trigger,
                           long syntheticSetVersion, double macroF1, double accuracy, Double previousMacroF1,
                           long validationSamples, String reason, long trainMillis, Instant at) {

    /**
     * What was decided. The constant names are a wire format: {@code GET /models} writes them as they are
     * ({@code "PUBLISHED"}, ...), the {@code updater.decisions} gauge uses them as its {@code status} tag, and the
     * demo and the reliability tests parse them; do not rename them.
     */
    public enum Status {
        /** Validated, signed and published. */
        PUBLISHED,
        /** Trained but validated worse than the model it would replace. */
        REFUSED,
        /** Nothing to train (no synthetic set yet, personalisation budget spent, unusable knowledge). */
        SKIPPED,
        /** Training, validation or publishing threw. */
        FAILED,
        /** Validated, signed and published to the canary edges of a staged rollout. */
        CANARY,
        /** A canary version that did as well on the canaries' hold-outs, published to every edge. */
        PROMOTED,
        /** A canary version that did worse on the canaries' hold-outs; the canaries got the fleet's model back. */
        ROLLED_BACK
    }

    /**
     * One try at a new version of a model: what the decision about a trained candidate records whatever its
     * outcome. It starts the clock for {@link #trainMillis}.
     *
     * @param version the version the candidate gets if published
     */
    public record Attempt(String modelId, String cohort, long version, String trigger, long syntheticSetVersion,
                          long startNanos) {

        /** An attempt starting now. */
        public static Attempt start(String modelId, String cohort, long version, String trigger,
                                    long syntheticSetVersion) {
            return new Attempt(modelId, cohort, version, trigger, syntheticSetVersion, System.nanoTime());
        }
    }

    /** The candidate of {@code attempt} was published; {@code metrics} as published in the update. */
    public static HistoryEntry published(Attempt attempt, ClassificationMetrics metrics, Double previousMacroF1,
                                         String reason) {
        return judged(attempt, Status.PUBLISHED, metrics, previousMacroF1, reason);
    }

    /** The candidate of {@code attempt} went to the canary edges of a staged rollout. */
    public static HistoryEntry canary(Attempt attempt, ClassificationMetrics metrics, Double previousMacroF1, String reason) {
        return judged(attempt, Status.CANARY, metrics, previousMacroF1, reason);
    }

    /**
     * A staged rollout's end for {@code modelId}: {@code version} published (promoted to the fleet, or the fleet's model
     * back on the canaries); {@code newMacroF1} and {@code oldMacroF1} are the canaries' hold-out means (NaN: none).
     */
    public static HistoryEntry rollout(String modelId, boolean promoted, long version, long syntheticSetVersion,
                                       double newMacroF1, double oldMacroF1, String reason) {
        return new HistoryEntry(modelId, null, promoted ? Status.PROMOTED : Status.ROLLED_BACK, version, "staged rollout",
                syntheticSetVersion, newMacroF1, Double.NaN, Double.isNaN(oldMacroF1) ? null : oldMacroF1, 0, reason, 0,
                Instant.now());
    }

    /** The candidate of {@code attempt} was refused for {@code reason}. */
    public static HistoryEntry refused(Attempt attempt, ClassificationMetrics metrics, Double previousMacroF1,
                                       String reason) {
        return judged(attempt, Status.REFUSED, metrics, previousMacroF1, reason);
    }

    /** The attempt threw or could not start; nothing was scored. */
    public static HistoryEntry failed(Attempt attempt, String reason) {
        return judged(attempt, Status.FAILED, null, null, reason);
    }

    /** Nothing was trained for {@code modelId}; {@code syntheticSetVersion} is -1 when there is no set. */
    public static HistoryEntry skipped(String modelId, String cohort, String trigger, long syntheticSetVersion,
                                       String reason) {
        return new HistoryEntry(modelId, cohort, Status.SKIPPED, -1, trigger, syntheticSetVersion, Double.NaN,
                Double.NaN, null, 0, reason, 0, Instant.now());
    }

    private static HistoryEntry judged(Attempt a, Status status, ClassificationMetrics m, Double previousMacroF1,
                                       String reason) {
        return new HistoryEntry(a.modelId(), a.cohort(), status, a.version(), a.trigger(), a.syntheticSetVersion(),
                m == null ? Double.NaN : m.macroF1(), m == null ? Double.NaN : m.accuracy(), previousMacroF1,
                m == null ? 0 : m.samples(), reason, (System.nanoTime() - a.startNanos()) / 1_000_000, Instant.now());
    }
}
