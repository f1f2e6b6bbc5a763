package io.edgedistill.core.summary;

/**
 * What an {@link EdgeSummarizer} computes.
 *
 * @param secondMoments send per-dimension second moments of the embeddings (sharper matching, enables the
 *                      variance-calibrated poisoning test)
 * @param inputMoments  send per-class input-space mean and second moment (used to initialise the synthetic
 *                      set; never sent under DP)
 * @param dp            differential privacy settings, or null for none
 * @param chunkRows     rows per batched forward pass (bounds native memory)
 */
public record SummaryOptions(boolean secondMoments, boolean inputMoments, DpConfig dp, int chunkRows) {
    /** Validates. */
    public SummaryOptions {
        if (chunkRows <= 0) {
            throw new IllegalArgumentException("chunkRows must be positive");
        }
    }

    /** Defaults: second moments and input moments on, no DP, 8192-row chunks. */
    public static SummaryOptions defaults() {
        return new SummaryOptions(true, true, null, 8192);
    }

    /** These options with DP switched on (input moments are then dropped). */
    public SummaryOptions withDp(DpConfig config) {
        return new SummaryOptions(secondMoments, false, config, chunkRows);
    }
}
