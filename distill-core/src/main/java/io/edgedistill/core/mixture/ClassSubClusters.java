package io.edgedistill.core.mixture;

import java.util.List;

/**
 * What one edge sends for one class: the class's row count and its sub-clusters. The list is empty when the
 * class holds fewer rows than the privacy floor (count only, no moments: a class of one row must never ship
 * that row as its "mean").
 *
 * @param classId  class index
 * @param count    rows of the class on the edge
 * @param clusters sub-clusters; empty, or partitioning exactly {@code count} rows
 */
public record ClassSubClusters(int classId, long count, List<SubCluster> clusters) {

    /** Validates; the list is copied. */
    public ClassSubClusters {
        if (classId < 0 || count < 0) {
            throw new IllegalArgumentException("negative class id or count");
        }
        clusters = List.copyOf(clusters);
        if (!clusters.isEmpty()) {
            long sum = clusters.stream().mapToLong(SubCluster::count).sum();
            if (sum != count) {
                throw new IllegalArgumentException("sub-cluster counts sum to " + sum + ", class count " + count);
            }
        }
    }

    /** Whether the class carries moments (else count only). */
    public boolean hasMoments() {
        return !clusters.isEmpty();
    }
}
