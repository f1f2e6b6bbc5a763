package io.edgedistill.core.mixture;

/**
 * Settings of {@link MixturePrior}'s sampler.
 *
 * @param boxSigmas      a real-valued draw is truncated to its component's mean ± this many of the
 *                       component's (floored) standard deviations (0 = no truncation): no wild tails, and no
 *                       component is ever cut. Not a box around the class mean ± class std (the rule of
 *                       {@code core.synth}): that box cuts rare modes far from the class mean, and on NSL-KDD
 *                       it took R2L's macro-F1 from 0.84 to 0.60 (docs/results.md, "Sub-cluster summaries")
 * @param minStdFraction each component's standard deviation per real-valued column is at least this fraction
 *                       of the class standard deviation: a sub-cluster that is constant in a column (10 equal
 *                       rows) would otherwise reproduce its rows' value exactly
 */
public record MixtureOptions(double boxSigmas, double minStdFraction) {
    public static final double DEFAULT_BOX_SIGMAS = 4.0;
    public static final double DEFAULT_MIN_STD_FRACTION = 0.05;

    /** Validates. */
    public MixtureOptions {
        if (!(boxSigmas >= 0) || !(minStdFraction >= 0)) {
            throw new IllegalArgumentException("boxSigmas and minStdFraction must be ≥ 0");
        }
    }

    /** Truncation at ±4 component std, component std at least 5 % of the class std. */
    public static MixtureOptions defaults() {
        return new MixtureOptions(DEFAULT_BOX_SIGMAS, DEFAULT_MIN_STD_FRACTION);
    }
}
