package io.edgedistill.core.aggregate;

import io.edgedistill.core.summary.SummaryStats;

/**
 * Where a class is compared: the mean embeddings (always), and the per-class input means when the summaries
 * carry input moments (summaries without DP). The input space has its own exact within-class variance (from
 * the input second moments) whether or not the round asks for embedding second moments, and its means feed
 * the optimiser directly, so a contribution is judged in both and scored by the worse.
 */
enum ComparisonSpace {
    EMBEDDING("class mean"), INPUT("class input mean");

    /** What is compared, for the quarantine reason. */
    final String what;

    ComparisonSpace(String what) {
        this.what = what;
    }

    /** Group key of summaries comparable in this space, or null when the summary has nothing here. */
    String shape(SummaryStats s) {
        return switch (this) {
            case EMBEDDING -> s.k() + "x" + s.embedDim();
            case INPUT -> s.inputMeans() != null && s.inputSecondMoments() != null && s.privacy() == null
                    ? Integer.toString(s.dIn()) : null;
        };
    }

    float[] mean(SummaryStats s, int c) {
        return this == EMBEDDING ? s.classVector(c)
                : java.util.Arrays.copyOfRange(s.inputMeans(), c * s.dIn(), (c + 1) * s.dIn());
    }

    /** Second moments of class c, or null when the summary has none in this space. */
    float[] second(SummaryStats s, int c) {
        return this == EMBEDDING ? s.classSecondMoments(c)
                : java.util.Arrays.copyOfRange(s.inputSecondMoments(), c * s.dIn(), (c + 1) * s.dIn());
    }

    double noise(SummaryStats s, int c) {
        return this == EMBEDDING ? noiseVarOfMean(s, c) : 0;
    }

    /** Per-coordinate noise variance of a DP summary's class mean (0 without DP). */
    private static double noiseVarOfMean(SummaryStats s, int c) {
        if (s.privacy() == null) {
            return 0;
        }
        double n = Math.max(1, s.counts()[c]);
        return s.privacy().sigmaSums() * s.privacy().sigmaSums() / (n * n);
    }
}
