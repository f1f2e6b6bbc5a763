package io.edgedistill.core.aggregate;

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
        double[] totals = summaries.stream().mapToDouble(CountBound::total).toArray();
        Arrays.sort(totals);
        return factor * Math.max(1, totals[(totals.length - 1) / 2]);
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
