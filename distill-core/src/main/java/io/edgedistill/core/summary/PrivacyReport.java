package io.edgedistill.core.summary;

/**
 * The differential-privacy guarantee of one summary (add/remove-one-sample adjacency, per edge and round).
 *
 * @param epsilon        ε of the (ε, δ) guarantee
 * @param delta          δ of the (ε, δ) guarantee
 * @param clipNorm       per-sample, per-network L2 clip norm C of the embeddings
 * @param noiseMultiplier σ_u: std of the noise on the sensitivity-normalised release (see {@link GaussianMechanism})
 * @param sigmaSums      std of the Gaussian noise added to each coordinate of the per-class embedding sums
 * @param sigmaCounts    std of the Gaussian noise added to each class count
 * @param sigmaSquares   std of the noise on the second-moment sums (NaN when no second moments are sent)
 * @param accounting     human-readable description of the accounting used
 */
public record PrivacyReport(double epsilon, double delta, double clipNorm, double noiseMultiplier,
                            double sigmaSums, double sigmaCounts, double sigmaSquares, String accounting) {
}
