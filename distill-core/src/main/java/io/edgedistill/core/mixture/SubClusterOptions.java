package io.edgedistill.core.mixture;

/**
 * Settings of {@link SubClusterer}.
 *
 * @param maxClusters   M: at most this many sub-clusters per class (fewer when the class has fewer than
 *                      M·kMin rows, or when the floor merges some)
 * @param kMin          privacy floor: every sub-cluster holds at least this many rows, and a class with fewer
 *                      rows sends its count only
 * @param seed          seed of the k-means++ initialisation (the fit is deterministic given the rows)
 * @param maxIterations Lloyd iterations at most (it stops earlier when no row changes cluster)
 */
public record SubClusterOptions(int maxClusters, int kMin, long seed, int maxIterations) {
    public static final int DEFAULT_MAX_CLUSTERS = 32;
    public static final int DEFAULT_K_MIN = 10;
    public static final int DEFAULT_MAX_ITERATIONS = 25;

    /** Validates. */
    public SubClusterOptions {
        if (maxClusters < 1 || kMin < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("maxClusters, kMin and maxIterations must be positive");
        }
    }

    /** M = 32, k_min = 10, 25 Lloyd iterations. */
    public static SubClusterOptions defaults(long seed) {
        return new SubClusterOptions(DEFAULT_MAX_CLUSTERS, DEFAULT_K_MIN, seed, DEFAULT_MAX_ITERATIONS);
    }
}
