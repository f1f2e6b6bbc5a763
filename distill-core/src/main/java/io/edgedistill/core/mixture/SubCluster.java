package io.edgedistill.core.mixture;

import java.util.Arrays;

/**
 * One sub-cluster of one class on one edge: how many rows it holds, their mean and their per-dimension
 * (population) variance, in the pre-processed feature space.
 *
 * <p>Variance rather than the raw second moment E[x²]: the cloud needs the spread, and E[x²] − μ² cancels
 * badly when a column's mean is large against its spread (worse still if the statistics are ever sent as
 * float16). The second moment is recovered exactly as {@code variance + mean²}.
 *
 * @param count    rows in the sub-cluster (≥ 1; the privacy floor is checked by {@link SubClusterSummary})
 * @param mean     mean of the rows, length d
 * @param variance population variance per dimension (≥ 0), length d
 */
public record SubCluster(long count, float[] mean, float[] variance) {

    /** Validates shapes and values; arrays are not copied, treat as immutable. */
    public SubCluster {
        if (count < 1) {
            throw new IllegalArgumentException("a sub-cluster holds at least one row, got " + count);
        }
        if (mean == null || variance == null || mean.length != variance.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and variance must be non-empty arrays of equal length");
        }
        for (int j = 0; j < mean.length; j++) {
            if (!Float.isFinite(mean[j]) || !Float.isFinite(variance[j]) || variance[j] < 0) {
                throw new IllegalArgumentException("non-finite mean or negative variance at dimension " + j);
            }
        }
    }

    public int dim() {
        return mean.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubCluster s && count == s.count && Arrays.equals(mean, s.mean)
                && Arrays.equals(variance, s.variance);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(count) + Arrays.hashCode(mean)) + Arrays.hashCode(variance);
    }

    @Override
    public String toString() {
        return "SubCluster[n=" + count + ", d=" + mean.length + "]";
    }
}
