package io.edgedistill.core.aggregate;

import io.edgedistill.core.summary.SummaryStats;
import java.util.List;

/**
 * Statistics of one class among its holders, the summaries of one shape that hold it (for
 * {@link PoisonDetector}): their class means, counts and DP noise, the within-class variance trace, the pairwise
 * z between holders and which holders agree with their peers. Also the statistics it needs (lower median,
 * robust trace estimates), which are about comparing holders and nothing else.
 */
final class ClassHolders {
    final int c;
    final int[] idx;        // positions of the holders in the screened list
    final float[][] v;      // class means
    final double[] n;       // counts
    final double[] noise;   // per-coordinate DP noise variance of each mean
    final double[] norm;
    final double trace;
    private final double[] ownTrace; // each holder's own trace (null without second moments)
    private final boolean weightedTrace;
    final double[][] z;     // pairwise z
    final double[] pairMedian;
    final boolean[] agrees;

    ClassHolders(List<SummaryStats> all, List<Integer> holderIdx, int c, ComparisonSpace space,
                 PoisonDetector.Config config, double countCap) {
        this.c = c;
        int h = holderIdx.size();
        idx = holderIdx.stream().mapToInt(Integer::intValue).toArray();
        List<SummaryStats> holders = holderIdx.stream().map(all::get).toList();
        v = new float[h][];
        n = new double[h];
        noise = new double[h];
        norm = new double[h];
        for (int i = 0; i < h; i++) {
            v[i] = space.mean(holders.get(i), c);
            n[i] = CountBound.bounded(holders.get(i).counts()[c], countCap);
            noise[i] = space.noise(holders.get(i), c);
            norm[i] = Math.sqrt(sq(v[i], null));
        }
        ownTrace = h >= 2 ? ownTraces(holders, c, space, v) : null;
        trace = h < 2 ? Double.POSITIVE_INFINITY
                : ownTrace != null ? upperMedian(ownTrace) : robustTrace(c, holders, v, n);
        weightedTrace = config.countWeightedTrace();
        z = new double[h][h];
        for (int i = 0; i < h; i++) {
            for (int j = i + 1; j < h; j++) {
                z[i][j] = z[j][i] = sq(v[i], v[j]) / Math.max(expected(n[i], n[j], noise[i], noise[j]), 1e-12);
            }
        }
        pairMedian = new double[h];
        agrees = new boolean[h];
        for (int i = 0; i < h; i++) {
            pairMedian[i] = h < 2 ? 0 : lowerMedian(others(z[i], i));
            agrees[i] = h >= config.minPeers() + 1 && pairMedian[i] <= config.zThreshold();
        }
    }

    double expected(double ni, double nj, double noiseI, double noiseJ) {
        return trace * (1 / ni + 1 / nj) + v[0].length * (noiseI + noiseJ);
    }

    int position(int listIndex) {
        for (int h = 0; h < idx.length; h++) {
            if (idx[h] == listIndex) {
                return h;
            }
        }
        return -1;
    }

    /**
     * z of vector {@code w} (count {@code nw}, noise {@code noiseW}) against the count-weighted mean of the
     * agreeing holders other than {@code exclude}; NaN when there is none.
     */
    double zAgainstConsensus(float[] w, double nw, double noiseW, int exclude) {
        double[] m = new double[w.length];
        double total = 0;
        double dpVarSum = 0;
        for (int j = 0; j < idx.length; j++) {
            if (j == exclude || !agrees[j]) {
                continue;
            }
            total += n[j];
            for (int t = 0; t < w.length; t++) {
                m[t] += n[j] * (double) v[j][t];
            }
            dpVarSum += noise[j] * n[j] * n[j];
        }
        if (total == 0) {
            return Double.NaN;
        }
        double d2 = 0;
        for (int t = 0; t < w.length; t++) {
            double diff = w[t] - m[t] / total;
            d2 += diff * diff;
        }
        double expected = traceFor(exclude) * (1 / nw + 1 / total) + w.length * (noiseW + dpVarSum / (total * total));
        return d2 / Math.max(expected, 1e-12);
    }

    /**
     * Trace of the test of holder {@code p} (-1: none): {@link #trace}, or with the count-weighted trace at least
     * the count-weighted mean of the other holders' own traces.
     */
    double traceFor(int p) {
        if (!weightedTrace || ownTrace == null) {
            return trace;
        }
        double sw = 0;
        double st = 0;
        for (int j = 0; j < idx.length; j++) {
            if (j != p) {
                sw += n[j];
                st += n[j] * ownTrace[j];
            }
        }
        return sw > 0 ? Math.max(trace, st / sw) : trace;
    }

    /** ‖v_p‖ over the lower median of the other holders' norms: far from 1 for a scaled update. */
    double normRatio(int p) {
        return norm[p] / Math.max(lowerMedian(others(norm, p)), 1e-12);
    }

    private static double sq(float[] a, float[] b) {
        double s = 0;
        for (int t = 0; t < a.length; t++) {
            double d = b == null ? a[t] : a[t] - (double) b[t];
            s += d * d;
        }
        return s;
    }

    private static double[] others(double[] a, int skip) {
        double[] o = new double[a.length - 1];
        for (int j = 0, r = 0; j < a.length; j++) {
            if (j != skip) {
                o[r++] = a[j];
            }
        }
        return o;
    }

    private static double lowerMedian(double[] a) {
        double[] s = a.clone();
        java.util.Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }

    /**
     * Each holder's own within-class variance trace Σ_j (q_j − μ_j²), or null when one of them sent no second
     * moments. tr Σ_c is their upper median (a minority of inconsistent summaries can neither shrink nor inflate it
     * much), else {@link #robustTrace} over the holders.
     */
    private static double[] ownTraces(List<SummaryStats> all, int c, ComparisonSpace space, float[][] means) {
        double[] est = new double[all.size()];
        for (int p = 0; p < all.size(); p++) {
            float[] mu = means[p];
            float[] q = space.second(all.get(p), c);
            if (q == null) {
                return null;
            }
            double t = 0;
            for (int j = 0; j < mu.length; j++) {
                t += Math.max(0, q[j] - (double) mu[j] * mu[j]);
            }
            est[p] = t;
        }
        return est;
    }

    private static double upperMedian(double[] a) {
        double[] s = a.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * Within-class variance trace estimated without second moments: for each pair of holders i, j,
     * ‖v_i − v_j‖² / (1/n_i + 1/n_j) estimates tr Σ; the median over the pairs (the upper one for an even number)
     * is robust to a minority of outlying holders. (A leave-one-out reference, ‖v_j − m_{-j}‖² against the count-weighted mean of the others,
     * is not: one outlier with a large count dominates every other holder's reference and inflates every estimate,
     * which hides exactly that outlier.)
     */
    private static double robustTrace(int c, List<SummaryStats> peers, float[][] means, double[] counts) {
        int h = peers.size();
        if (h < 2) {
            return Double.POSITIVE_INFINITY;
        }
        double[] est = new double[h * (h - 1) / 2];
        int k = 0;
        for (int i = 0; i < h; i++) {
            float[] vi = means[i];
            double ni = counts[i];
            for (int j = i + 1; j < h; j++) {
                est[k++] = sq(vi, means[j]) / (1.0 / ni + 1.0 / counts[j]);
            }
        }
        java.util.Arrays.sort(est);
        return est[est.length / 2];
    }
}
