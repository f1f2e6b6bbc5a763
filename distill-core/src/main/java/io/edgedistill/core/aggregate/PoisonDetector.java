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
 * <p>For every summary i and class c it holds (n_{i,c} ≥ minClassCount) and that at least {@code minPeers}
 * other summaries also hold, the class mean v is compared with the count-weighted leave-one-out mean m of
 * those peers (total count N). If i's data follow the same class-conditional distribution as the peers'
 * (label skew alone, as in Dirichlet non-IID splits), E‖v − m‖² = tr Σ_c · (1/n_i + 1/N) + DP noise,
 * where tr Σ_c is the peers' pooled within-class variance (upper median of the peers' own within-class
 * variances from their second moments; without second moments, a median-based estimate over the peers). The score z = ‖v − m‖² / E‖v − m‖² is ≈ 1 for honest
 * edges, whatever their counts — classes with tiny counts get correspondingly wide tolerance — and large for
 * label-flipped means (another class's mean) or scaled updates. The ratio ‖v‖/‖m‖ labels scaled updates.
 *
 * <p>{@link #screen} removes the worst summary while its score exceeds the threshold and repeats (so a
 * poisoned summary never inflates the reference of the honest ones it is compared with). Data and
 * knowledge summaries are screened separately. Stateless and thread-safe.
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
                Score worst = null;
                int worstIdx = -1;
                for (int i = 0; i < active.size(); i++) {
                    Score sc = worstClass(active.get(i), othersThan(active, i));
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
        List<EdgeSummary> peers = trusted.stream()
                .filter(s -> s.kind() == candidate.kind() && !s.edgeId().equals(candidate.edgeId())).toList();
        Score sc = worstClass(candidate, peers);
        if (sc == null || sc.z <= config.zThreshold()) {
            return Optional.empty();
        }
        return Optional.of(sc.toQuarantine(candidate, config));
    }

    private static List<EdgeSummary> othersThan(List<EdgeSummary> all, int i) {
        List<EdgeSummary> o = new ArrayList<>(all.size() - 1);
        for (int j = 0; j < all.size(); j++) {
            if (j != i) {
                o.add(all.get(j));
            }
        }
        return o;
    }

    private record Score(int classIndex, double z, double normRatio, int peers) {
        Quarantine toQuarantine(EdgeSummary s, Config cfg) {
            boolean scaled = normRatio > cfg.scaleRatio() || normRatio < 1 / cfg.scaleRatio();
            String reason = String.format(Locale.ROOT,
                    "edge %s round %d class %d: z=%.1f > %.1f (squared distance of the class mean to the "
                            + "count-weighted mean of %d peers, in units of its expected sampling variance); "
                            + "norm ratio %.2f -> %s",
                    s.edgeId(), s.roundId(), classIndex, z, cfg.zThreshold(), peers, normRatio,
                    scaled ? "scaled update" : "class mean inconsistent with peers (label flip or poisoned data)");
            return new Quarantine(s.edgeId(), s.roundId(), classIndex, z, cfg.zThreshold(), normRatio, peers,
                    reason);
        }
    }

    /** The most anomalous judged class of {@code s} against {@code others}, or null when none is judged. */
    private Score worstClass(EdgeSummary s, List<EdgeSummary> others) {
        Score worst = null;
        for (int c = 0; c < s.numClasses(); c++) {
            if (s.counts()[c] < config.minClassCount()) {
                continue;
            }
            List<EdgeSummary> peers = new ArrayList<>();
            for (EdgeSummary o : others) {
                if (o.counts()[c] >= config.minClassCount() && o.k() == s.k() && o.embedDim() == s.embedDim()) {
                    peers.add(o);
                }
            }
            if (peers.size() < config.minPeers()) {
                continue;
            }
            Score sc = score(s, c, peers);
            if (worst == null || sc.z > worst.z) {
                worst = sc;
            }
        }
        return worst;
    }

    private Score score(EdgeSummary s, int c, List<EdgeSummary> peers) {
        float[] v = s.classVector(c);
        int len = v.length;
        double[] m = new double[len];
        double total = 0;
        double dpVarSum = 0; // Σ n_j² · noise variance of mean_j (per coordinate)
        for (EdgeSummary p : peers) {
            long n = p.counts()[c];
            total += n;
            float[] pv = p.classVector(c);
            for (int j = 0; j < len; j++) {
                m[j] += n * (double) pv[j];
            }
            dpVarSum += noiseVarOfMean(p, c) * n * n;
        }
        double dist2 = 0;
        double normV = 0;
        double normM = 0;
        for (int j = 0; j < len; j++) {
            m[j] /= total;
            double diff = v[j] - m[j];
            dist2 += diff * diff;
            normV += (double) v[j] * v[j];
            normM += m[j] * m[j];
        }
        double ni = s.counts()[c];
        double trace = withinClassTrace(c, peers);
        double expected = trace * (1 / ni + 1 / total) + len * (noiseVarOfMean(s, c) + dpVarSum / (total * total));
        double z = dist2 / Math.max(expected, 1e-12);
        double ratio = Math.sqrt(normV) / Math.max(Math.sqrt(normM), 1e-12);
        return new Score(c, z, ratio, peers.size());
    }

    /**
     * tr Σ_c from the peers: the upper median over peers of each peer's own within-class variance trace
     * Σ_j (q_j − μ_j²) when all peers sent second moments (one inconsistent peer cannot shrink it), else
     * {@link #robustTrace}.
     */
    private static double withinClassTrace(int c, List<EdgeSummary> peers) {
        double[] est = new double[peers.size()];
        for (int p = 0; p < peers.size(); p++) {
            float[] mu = peers.get(p).classVector(c);
            float[] q = peers.get(p).classSecondMoments(c);
            if (q == null) {
                return robustTrace(c, peers);
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
     * Within-class variance trace estimated without second moments: for each peer j, ‖v_j − m_{-j}‖² divided by
     * (1/n_j + 1/N_{-j}) estimates tr Σ; the median over peers is robust to a minority of outliers.
     */
    private static double robustTrace(int c, List<EdgeSummary> peers) {
        if (peers.size() < 2) {
            return Double.POSITIVE_INFINITY;
        }
        double[] est = new double[peers.size()];
        for (int j = 0; j < peers.size(); j++) {
            EdgeSummary pj = peers.get(j);
            float[] vj = pj.classVector(c);
            double[] mo = new double[vj.length];
            double tot = 0;
            for (int o = 0; o < peers.size(); o++) {
                if (o == j) {
                    continue;
                }
                long n = peers.get(o).counts()[c];
                float[] vo = peers.get(o).classVector(c);
                for (int t = 0; t < vo.length; t++) {
                    mo[t] += n * (double) vo[t];
                }
                tot += n;
            }
            double d2 = 0;
            for (int t = 0; t < vj.length; t++) {
                double diff = vj[t] - mo[t] / tot;
                d2 += diff * diff;
            }
            est[j] = d2 / (1.0 / pj.counts()[c] + 1.0 / tot);
        }
        java.util.Arrays.sort(est);
        return est[est.length / 2];
    }
}
