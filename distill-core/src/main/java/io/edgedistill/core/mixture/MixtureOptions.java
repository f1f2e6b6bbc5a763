package io.edgedistill.core.mixture;

/**
 * Settings of {@link MixturePrior}'s sampler.
 *
 * @param boxSigmas      real-valued columns are clipped to the class mean ± this many class standard
 *                       deviations of the pooled mixture (0 = no box). 4 rather than the 3 of
 *                       {@code core.synth}: a mixture's components lie inside the class spread, and
 *                       clipping at 3 would cut the outer modes' own tails
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

    /** Box ±4 class std, component std at least 5 % of the class std. */
    public static MixtureOptions defaults() {
        return new MixtureOptions(DEFAULT_BOX_SIGMAS, DEFAULT_MIN_STD_FRACTION);
    }
}
