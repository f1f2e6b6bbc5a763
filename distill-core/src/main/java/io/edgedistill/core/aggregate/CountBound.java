package io.edgedistill.core.aggregate;

import io.edgedistill.core.mixture.SubClusterSummary;
import java.util.List;

import io.edgedistill.core.summary.SummaryStats;
import java.util.Arrays;
import java.util.Collection;

/**
 * Bound on self-reported counts, from what the cloud sees only: a summary's per-class count counts at most
 * {@code factor} × the lower median over the summaries of their total counts. An edge that inflates its counts
 * (×100) then weighs at most as much per class as {@code factor} typical edges together, in the aggregation
 * ({@link GlobalTargets}) and in the poisoning screen's consensus ({@link PoisonDetector}); honest counts below the
 * bound are used as sent (the pooled mean stays exact). The median is over edges (one vote each), so one
 * attacker cannot raise it. {@code factor} ≤ 0 or infinite: no bound.
 */
public final class CountBound {
    private CountBound() {
    }

    /** The per-class count bound for these summaries (positive infinity when off or empty). */
    public static double cap(Collection<SummaryStats> summaries, double factor) {
        if (!(factor > 0) || Double.isInfinite(factor) || summaries.isEmpty()) {
            return Double.POSITIVE_INFINITY;
        }
        return cap(summaries.stream().mapToDouble(CountBound::total).toArray(), factor);
    }

    /** The per-class count bound for summaries with these total counts (positive infinity when off or empty). */
    public static double cap(double[] totals, double factor) {
        if (!(factor > 0) || Double.isInfinite(factor) || totals.length == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double[] t = totals.clone();
        Arrays.sort(t);
        return factor * Math.max(1, t[(t.length - 1) / 2]);
    }

    /** The sub-cluster summaries with every class count bounded as {@link #cap(double[], double)} gives. */
    public static List<SubClusterSummary> bounded(List<SubClusterSummary> summaries, double factor) {
        double[] totals = new double[summaries.size()];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = Arrays.stream(summaries.get(i).counts()).sum();
        }
        double cap = cap(totals, factor);
        return summaries.stream().map(s -> s.countsBoundedBy(cap)).toList();
    }

    /** Total count of a summary. */
    public static double total(SummaryStats s) {
        double t = 0;
        for (long n : s.counts()) {
            t += n;
        }
        return t;
    }

    /** {@code n} bounded by {@code cap}. */
    public static double bounded(long n, double cap) {
        return Math.min(n, cap);
    }
}
