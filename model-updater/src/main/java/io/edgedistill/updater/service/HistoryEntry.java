package io.edgedistill.updater.service;

import java.time.Instant;

/**
 * One decision of the updater, for the HTTP history.
 *
 * @param modelId             model the decision is about
 * @param cohort              cohort of a personalised model, or null
 * @param status              PUBLISHED, REFUSED (validation worse than live), SKIPPED (nothing to do) or FAILED
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
public record HistoryEntry(String modelId, String cohort, String status, long version, String trigger,
                           long syntheticSetVersion, double macroF1, double accuracy, Double previousMacroF1,
                           long validationSamples, String reason, long trainMillis, Instant at) {
    public static final String PUBLISHED = "PUBLISHED";
    public static final String REFUSED = "REFUSED";
    public static final String SKIPPED = "SKIPPED";
    public static final String FAILED = "FAILED";
}
