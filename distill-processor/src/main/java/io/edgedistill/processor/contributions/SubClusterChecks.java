package io.edgedistill.processor.contributions;

import java.util.List;
import java.util.Optional;

import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.schemas.SubClusterMoments;

/**
 * The checks of a class's sub-cluster statistics (summary v2) against the round, for {@link ContributionAdapter}.
 *
 * <p>A v2 round sets a privacy floor k_min: every sub-cluster holds at least k_min rows, the sub-clusters of a
 * class partition its rows exactly, and a class under the floor comes as its count alone. The sub-clusters must
 * also agree with the class's input mean: their count-weighted mean is the class mean, which the poisoning screen
 * judges. So sub-clusters cannot move the class mean behind the screen's back; moving sub-clusters while keeping
 * the mean is a separate attack (the red-team issue), not screened here.
 */
final class SubClusterChecks {
    /** Allowed gap between the sub-clusters' pooled mean and the class mean: float32 rounding of both sides. */
    static final double MEAN_TOLERANCE = 1e-3;

    private SubClusterChecks() {
    }

    /**
     * A class sent as its count only: only under a v2 round's floor, and with no statistics at all.
     *
     * @param v2 the round's sub-cluster options ({@code RoundSpecs.subClusterOptions}), empty for a v1 round
     */
    static void countOnly(List<String> v, int ci, long count, List<Float> secondMoments, List<Float> inputMean,
                          List<SubClusterMoments> subClusters, Optional<SubClusterOptions> v2) {
        if (v2.isEmpty()) {
            v.add("class " + ci + ": no means, and the round asks for no sub-clusters (count-only classes are a "
                    + "summary v2 feature)");
            return;
        }
        if (count >= v2.get().kMin()) {
            v.add("class " + ci + ": count only, but its " + count + " rows reach the floor of " + v2.get().kMin());
        }
        if (secondMoments != null || inputMean != null || (subClusters != null && !subClusters.isEmpty())) {
            v.add("class " + ci + ": a count-only class carries statistics");
        }
    }

    /** The sub-clusters of a class with moments, when present; {@code dIn} is the round's input width. */
    static void clusters(List<String> v, int ci, long count, List<SubClusterMoments> clusters, List<Float> inputMean,
                         Optional<SubClusterOptions> v2, int dIn) {
        if (clusters == null) {
            return;
        }
        if (v2.isEmpty()) {
            v.add("class " + ci + ": sub-clusters, but the round asks for none");
            return;
        }
        int floor = v2.get().kMin();
        if (clusters.isEmpty() || clusters.size() > v2.get().maxClusters()) {
            v.add("class " + ci + ": " + clusters.size() + " sub-clusters, expected 1 to " + v2.get().maxClusters());
            return;
        }
        long rows = 0;
        double[] pooled = new double[dIn];
        for (int i = 0; i < clusters.size(); i++) {
            SubClusterMoments m = clusters.get(i);
            String what = "class " + ci + " sub-cluster " + i;
            if (m.getCount() < floor) {
                v.add(what + ": " + m.getCount() + " rows, under the floor of " + floor);
                return;
            }
            if (!ContributionAdapter.vector(v, what + " mean", m.getMean(), dIn)
                    || !ContributionAdapter.vector(v, what + " variance", m.getVariance(), dIn)) {
                return;
            }
            for (int j = 0; j < dIn; j++) {
                if (m.getVariance().get(j) < 0) {
                    v.add(what + " variance[" + j + "] is negative");
                    return;
                }
                pooled[j] += m.getCount() * (double) m.getMean().get(j);
            }
            rows += m.getCount();
        }
        if (rows != count) {
            v.add("class " + ci + ": sub-clusters hold " + rows + " rows, the class count is " + count);
            return;
        }
        if (inputMean != null && inputMean.size() == dIn) {
            for (int j = 0; j < dIn; j++) {
                double mean = pooled[j] / rows;
                double gap = Math.abs(mean - inputMean.get(j));
                if (gap > MEAN_TOLERANCE * (1 + Math.abs(inputMean.get(j)))) {
                    v.add("class " + ci + ": the sub-clusters' mean of feature " + j + " (" + mean
                            + ") is not the class mean (" + inputMean.get(j) + ")");
                    return;
                }
            }
        }
    }
}
