package io.edgedistill.core.aggregate;

import io.edgedistill.core.summary.EdgeSummary;
import io.edgedistill.core.summary.SummaryKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Screens edge summaries before they join the global targets (DESIGN §3.3).
 *
 * <p>Each class c is judged among its holders (summaries with n_{i,c} ≥ minClassCount; at least
 * {@code minPeers} peers besides the one judged). If two edges' data follow the same class-conditional
 * distribution (label skew alone, as in Dirichlet non-IID splits), E‖v_i − v_j‖² = tr Σ_c·(1/n_i + 1/n_j) +
 * DP noise for their class means v, where tr Σ_c is the within-class variance trace (upper median of the
 * holders' own traces from their second moments; without second moments, a median-based estimate). So the
 * pairwise z_ij = ‖v_i − v_j‖² / E‖v_i − v_j‖² is ≈ 1 for an honest pair whatever the counts, and large when
 * one of the two is label-flipped or scaled.
 *
 * <p>Robust centre, two stages: (1) a holder <i>agrees with its peers</i> when the lower median of its
 * pairwise z over the other holders is within the threshold — one vote per edge, whatever its count, so a
 * large attacker cannot outvote the honest majority; (2) every holder is scored against the count-weighted
 * mean of the agreeing holders other than itself, z = ‖v_i − m‖² / (tr Σ_c·(1/n_i + 1/N) + DP noise) (full
 * statistical power from the honest majority; when no other holder agrees, the lower median of its own
 * pairwise z). A count-weighted mean of <i>all</i> peers, used before, is dominated by an attacker holding
 * more rows of the class than the honest holders together, which made the honest holders look anomalous.
 * A summary's score is its worst class; the ratio ‖v_i‖ / median_j ‖v_j‖ labels scaled updates.
 *
 * <p>Every class is judged twice when the summaries carry input moments (summaries without DP): on the mean
 * embeddings and on the per-class input means, whose within-class variance trace comes from each holder's input
 * second moments even in rounds without embedding second moments. The input means are what the synthetic-set
 * optimiser matches directly, and a label flip moves them as much as the embeddings; a summary's score is the worse
 * of the two, and the quarantine reason names the space.
 *
 * <p>{@link #screen} removes the worst summary while its score exceeds the threshold and repeats (so a
 * poisoned summary never stays in the reference of the honest ones). Data and knowledge summaries are
 * screened separately. Stateless and thread-safe.
 */
public final class PoisonDetector {
    private final Config config;

    /**
     * @param zThreshold    quarantine when z exceeds this
     * @param scaleRatio    norm ratio beyond which (or below 1/ratio) a quarantine is labelled "scaled"
     * @param minClassCount a class takes part in the comparison only with at least this many samples
     * @param minPeers      minimum number of peers holding the class for the class to be judged
     */
    public record Config(double zThreshold, double scaleRatio, long minClassCount, int minPeers) {
        /** Defaults: z &gt; 8, scale ratio 1.5, classes with ≥ 2 samples, ≥ 2 peers. */
        public static Config defaults() {
            return new Config(8.0, 1.5, 2, 2);
        }
    }

    /**
     * Outcome of screening.
     *
     * @param accepted    summaries that passed, in input order
     * @param quarantined one record per excluded summary, in order of exclusion
     */
    public record Result(List<EdgeSummary> accepted, List<Quarantine> quarantined) {
    }

    /** Detector with the given settings. */
    public PoisonDetector(Config config) {
        this.config = config;
    }

    /** Detector with {@link Config#defaults()}. */
    public PoisonDetector() {
        this(Config.defaults());
    }

    /** Screens a batch of summaries (typically all of one round). */
    public Result screen(Collection<EdgeSummary> summaries) {
        List<EdgeSummary> accepted = new ArrayList<>();
        List<Quarantine> quarantined = new ArrayList<>();
        for (SummaryKind kind : SummaryKind.values()) {
            List<EdgeSummary> active = new ArrayList<>(summaries.stream().filter(s -> s.kind() == kind).toList());
            while (true) {
                Score[] scores = worstClasses(active);
                Score worst = null;
                int worstIdx = -1;
                for (int i = 0; i < active.size(); i++) {
                    Score sc = scores[i];
                    if (sc != null && (worst == null || sc.z > worst.z)) {
                        worst = sc;
                        worstIdx = i;
                    }
                }
                if (worst == null || worst.z <= config.zThreshold()) {
                    break;
                }
                quarantined.add(worst.toQuarantine(active.get(worstIdx), config));
                active.remove(worstIdx);
            }
            accepted.addAll(active);
        }
        List<EdgeSummary> ordered = summaries.stream().filter(accepted::contains).toList();
        return new Result(ordered, quarantined);
    }

    /**
     * Streaming check of one incoming summary against already trusted summaries of the same kind.
     *
     * @return the quarantine record if the candidate must be excluded
     */
    public Optional<Quarantine> check(EdgeSummary candidate, Collection<EdgeSummary> trusted) {
        List<EdgeSummary> all = new ArrayList<>();
        all.add(candidate);
        trusted.stream().filter(s -> s.kind() == candidate.kind() && !s.edgeId().equals(candidate.edgeId()))
                .forEach(all::add);
        Score sc = worstClasses(all)[0];
        if (sc == null || sc.z <= config.zThreshold()) {
            return Optional.empty();
        }
        return Optional.of(sc.toQuarantine(candidate, config));
    }

    /**
     * Where a class is compared: the mean embeddings (always), and the per-class input means when the summaries
     * carry input moments (summaries without DP). The input space has its own exact within-class variance (from
     * the input second moments) whether or not the round asks for embedding second moments, and its means feed
     * the optimiser directly, so a contribution is judged in both and scored by the worse.
     */
    private enum Space {
        EMBEDDING("class mean"), INPUT("class input mean");

        /** What is compared, for the quarantine reason. */
        final String what;

        Space(String what) {
            this.what = what;
        }

        /** Group key of summaries comparable in this space, or null when the summary has nothing here. */
        String shape(EdgeSummary s) {
            return switch (this) {
                case EMBEDDING -> s.k() + "x" + s.embedDim();
                case INPUT -> s.inputMeans() != null && s.inputSecondMoments() != null && s.privacy() == null
                        ? Integer.toString(s.dIn()) : null;
            };
        }

        float[] mean(EdgeSummary s, int c) {
            return this == EMBEDDING ? s.classVector(c)
                    : java.util.Arrays.copyOfRange(s.inputMeans(), c * s.dIn(), (c + 1) * s.dIn());
        }

        /** Second moments of class c, or null when the summary has none in this space. */
        float[] second(EdgeSummary s, int c) {
            return this == EMBEDDING ? s.classSecondMoments(c)
                    : java.util.Arrays.copyOfRange(s.inputSecondMoments(), c * s.dIn(), (c + 1) * s.dIn());
        }

        double noise(EdgeSummary s, int c) {
            return this == EMBEDDING ? noiseVarOfMean(s, c) : 0;
        }
    }

    private record Score(int classIndex, double z, double normRatio, int peers, int consistentPeers,
                         int looksLike, Space space) {
        Quarantine toQuarantine(EdgeSummary s, Config cfg) {
            boolean scaled = space == Space.EMBEDDING && (normRatio > cfg.scaleRatio() || normRatio < 1 / cfg.scaleRatio());
            String reference;
            if (looksLike >= 0) {
                reference = String.format(Locale.ROOT, "to each of the %d other holders of the class (median), "
                        + "while it agrees with the peers' mean of class %d", peers, looksLike);
            } else if (consistentPeers > 0) {
                reference = String.format(Locale.ROOT, "to the count-weighted mean of the %d of %d peers that "
                        + "agree with their own peers", consistentPeers, peers);
            } else {
                reference = String.format(Locale.ROOT, "to each of %d peers (median), none of which agrees "
                        + "with its own peers", peers);
            }
            String what = looksLike >= 0 ? "class mean matches another class (label flip)"
                    : scaled ? "scaled update" : "class mean inconsistent with peers (label flip or poisoned data)";
            String reason = String.format(Locale.ROOT,
                    "edge %s round %d class %d: z=%.1f > %.1f (squared distance of the %s %s, in units "
                            + "of its expected sampling variance); norm ratio %.2f -> %s",
                    s.edgeId(), s.roundId(), classIndex, z, cfg.zThreshold(), space.what, reference, normRatio, what);
            return new Quarantine(s.edgeId(), s.roundId(), classIndex, z, cfg.zThreshold(), normRatio, peers,
                    reason);
        }
    }

    /** Statistics of one class among its holders (summaries of one embedding shape). */
    private final class ClassView {
        final int c;
        final int[] idx;        // positions of the holders in the screened list
        final float[][] v;      // class means
        final double[] n;       // counts
        final double[] noise;   // per-coordinate DP noise variance of each mean
        final double[] norm;
        final double trace;
        final double[][] z;     // pairwise z
        final double[] pairMedian;
        final boolean[] agrees;

        ClassView(List<EdgeSummary> all, List<Integer> holderIdx, int c, Space space) {
            this.c = c;
            int h = holderIdx.size();
            idx = holderIdx.stream().mapToInt(Integer::intValue).toArray();
            List<EdgeSummary> holders = holderIdx.stream().map(all::get).toList();
            v = new float[h][];
            n = new double[h];
            noise = new double[h];
            norm = new double[h];
            for (int i = 0; i < h; i++) {
                v[i] = space.mean(holders.get(i), c);
                n[i] = holders.get(i).counts()[c];
                noise[i] = space.noise(holders.get(i), c);
                norm[i] = Math.sqrt(sq(v[i], null));
            }
            trace = h >= 2 ? withinClassTrace(holders, c, space, v) : Double.POSITIVE_INFINITY;
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
            double expected = trace * (1 / nw + 1 / total) + w.length * (noiseW + dpVarSum / (total * total));
            return d2 / Math.max(expected, 1e-12);
        }
    }

    /**
     * The most anomalous judged class of every summary in {@code all} against the others (null where no
     * class is judged). Two tests per (summary, class):
     * <ol>
     *   <li>with at least minPeers other holders: z against the count-weighted mean of the holders that agree
     *       with their own peers (see the class comment);</li>
     *   <li>label-flip test, with at least one other holder: when the class mean disagrees with the other
     *       holders of the class (lower median of the pairwise z above the threshold) but agrees with the
     *       consensus of another class c' (z against c' within the threshold), it is another class's data
     *       sent under this label; the score is the pairwise median. This catches flips into classes that
     *       only one or two other edges hold, where test 1 has too few peers.</li>
     * </ol>
     */
    private Score[] worstClasses(List<EdgeSummary> all) {
        Score[] worst = new Score[all.size()];
        if (all.isEmpty()) {
            return worst;
        }
        int numClasses = all.stream().mapToInt(EdgeSummary::numClasses).max().orElse(0);
        for (Space space : Space.values()) {
            java.util.Map<String, List<Integer>> shapes = new java.util.LinkedHashMap<>();
            for (int i = 0; i < all.size(); i++) {
                String shape = space.shape(all.get(i));
                if (shape != null) {
                    shapes.computeIfAbsent(shape, key -> new ArrayList<>()).add(i);
                }
            }
            for (List<Integer> group : shapes.values()) {
                score(all, group, numClasses, space, worst);
            }
        }
        return worst;
    }

    /** Scores the summaries at {@code group} (comparable in {@code space}) into {@code worst}. */
    private void score(List<EdgeSummary> all, List<Integer> group, int numClasses, Space space, Score[] worst) {
        ClassView[] views = new ClassView[numClasses];
        for (int c = 0; c < numClasses; c++) {
            List<Integer> holders = new ArrayList<>();
            for (int i : group) {
                EdgeSummary s = all.get(i);
                if (c < s.numClasses() && s.counts()[c] >= config.minClassCount()) {
                    holders.add(i);
                }
            }
            views[c] = new ClassView(all, holders, c, space);
        }
        for (int c = 0; c < numClasses; c++) {
            ClassView cv = views[c];
            int h = cv.idx.length;
            for (int p = 0; p < h; p++) {
                int i = cv.idx[p];
                Score sc = null;
                if (h - 1 >= config.minPeers()) {
                    double zc = cv.zAgainstConsensus(cv.v[p], cv.n[p], cv.noise[p], p);
                    int used = 0;
                    for (int j = 0; j < h; j++) {
                        used += j != p && cv.agrees[j] ? 1 : 0;
                    }
                    double ratio = cv.norm[p] / Math.max(lowerMedian(others(cv.norm, p)), 1e-12);
                    sc = new Score(c, Double.isNaN(zc) ? cv.pairMedian[p] : zc, ratio, h - 1, used, -1, space);
                }
                if (h >= 2 && cv.pairMedian[p] > config.zThreshold()
                        && (sc == null || sc.z <= config.zThreshold())) {
                    for (int c2 = 0; c2 < numClasses; c2++) {
                        if (c2 == c) {
                            continue;
                        }
                        double z2 = views[c2].zAgainstConsensus(cv.v[p], cv.n[p], cv.noise[p],
                                views[c2].position(i));
                        if (!Double.isNaN(z2) && z2 <= config.zThreshold()) {
                            double ratio = cv.norm[p] / Math.max(lowerMedian(others(cv.norm, p)), 1e-12);
                            sc = new Score(c, cv.pairMedian[p], ratio, h - 1, 0, c2, space);
                            break;
                        }
                    }
                }
                if (sc != null && (worst[i] == null || sc.z > worst[i].z)) {
                    worst[i] = sc;
                }
            }
        }
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
     * tr Σ_c: the upper median, over the holders of the class, of each summary's own within-class variance
     * trace Σ_j (q_j − μ_j²) when all of them sent second moments (a minority of inconsistent summaries can
     * neither shrink nor inflate it much), else {@link #robustTrace} over the holders.
     */
    private static double withinClassTrace(List<EdgeSummary> all, int c, Space space, float[][] means) {
        double[] est = new double[all.size()];
        for (int p = 0; p < all.size(); p++) {
            float[] mu = means[p];
            float[] q = space.second(all.get(p), c);
            if (q == null) {
                return robustTrace(c, all, means);
            }
            double t = 0;
            for (int j = 0; j < mu.length; j++) {
                t += Math.max(0, q[j] - (double) mu[j] * mu[j]);
            }
            est[p] = t;
        }
        java.util.Arrays.sort(est);
        return est[est.length / 2];
    }

    /** Per-coordinate noise variance of a DP summary's class mean (0 without DP). */
    private static double noiseVarOfMean(EdgeSummary s, int c) {
        if (s.privacy() == null) {
            return 0;
        }
        double n = Math.max(1, s.counts()[c]);
        return s.privacy().sigmaSums() * s.privacy().sigmaSums() / (n * n);
    }

    /**
     * Within-class variance trace estimated without second moments: for each pair of holders i, j,
     * ‖v_i − v_j‖² / (1/n_i + 1/n_j) estimates tr Σ; the median over the pairs (the upper one for an even number)
     * is robust to a minority of outlying holders. (A leave-one-out reference, ‖v_j − m_{-j}‖² against the count-weighted mean of the others,
     * is not: one outlier with a large count dominates every other holder's reference and inflates every estimate,
     * which hides exactly that outlier.)
     */
    private static double robustTrace(int c, List<EdgeSummary> peers, float[][] means) {
        int h = peers.size();
        if (h < 2) {
            return Double.POSITIVE_INFINITY;
        }
        double[] est = new double[h * (h - 1) / 2];
        int k = 0;
        for (int i = 0; i < h; i++) {
            float[] vi = means[i];
            double ni = peers.get(i).counts()[c];
            for (int j = i + 1; j < h; j++) {
                est[k++] = sq(vi, means[j]) / (1.0 / ni + 1.0 / peers.get(j).counts()[c]);
            }
        }
        java.util.Arrays.sort(est);
        return est[est.length / 2];
    }
}
