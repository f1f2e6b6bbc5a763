package io.edgedistill.core.aggregate;

import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Global per-class targets aggregated from edge summaries (docs/design.md §3.3).
 *
 * <p>{@link Weighting#COUNT} gives the exact pooled mean: Σ_e w_e·n_{e,c}·μ_{e,c} / Σ_e w_e·n_{e,c}, with sums
 * in double. Contributions are keyed by (kind, edge, round): a re-sent summary for the same key replaces the
 * previous one and never counts twice. Totals are recomputed from the stored contributions in canonical key
 * order whenever something changed, so the result is bit-identical whatever order summaries arrived in, and
 * removals leave no rounding residue (cost O(#contributions · K·C·e) per changed snapshot, well below a
 * millisecond for 100 edges). {@link #decay} multiplies every stored weight by a factor (exponential
 * forgetting for drift); contributions whose weight falls below {@code minWeight} are dropped.
 * With a count bound ({@code countCapFactor} &gt; 0), a contribution's per-class count is
 * bounded by {@link CountBound} (self-reported counts are unverified; an inflated count would otherwise pull the
 * targets to one edge). {@link Weighting#UNWEIGHTED} reproduces the reference CollabDM aggregation (plain mean over edges that
 * hold the class), for baseline comparison. Knowledge (reverse-distillation) summaries join as extra
 * targets with weight {@code knowledgeWeight} per sample.
 *
 * <p>Thread-safe (synchronized).
 */
public final class GlobalTargets {
    /** How edge contributions are weighted. */
    public enum Weighting {
        /** By sample count: the exact pooled mean (ours). */
        COUNT,
        /** Every edge holding a class counts once (reference CollabDM, biased under non-IID data). */
        UNWEIGHTED
    }

    private static final double MIN_WEIGHT = 1e-6;

    private final int k;
    private final int numClasses;
    private final int embedDim;
    private final int dIn;
    private final Weighting weighting;
    private final double knowledgeWeight;
    private final double countCapFactor;
    private final TreeMap<String, Contribution> contributions = new TreeMap<>();
    private TargetSnapshot cached;

    private record Contribution(SummaryStats summary, double factor) {
    }

    /**
     * @param knowledgeWeight weight per sample of knowledge summaries relative to data summaries
     */
    public GlobalTargets(int k, int numClasses, int embedDim, int dIn, Weighting weighting,
                         double knowledgeWeight) {
        this(k, numClasses, embedDim, dIn, weighting, knowledgeWeight, 0);
    }

    /**
     * @param knowledgeWeight weight per sample of knowledge summaries relative to data summaries
     * @param countCapFactor  {@link Weighting#COUNT}: a contribution's per-class count counts at most this factor
     *                        × the lower median of the contributions' total counts ({@link CountBound}); ≤ 0: no
     *                        bound
     */
    public GlobalTargets(int k, int numClasses, int embedDim, int dIn, Weighting weighting,
                         double knowledgeWeight, double countCapFactor) {
        if (knowledgeWeight < 0) {
            throw new IllegalArgumentException("knowledgeWeight must be >= 0");
        }
        this.k = k;
        this.numClasses = numClasses;
        this.embedDim = embedDim;
        this.dIn = dIn;
        this.weighting = weighting;
        this.knowledgeWeight = knowledgeWeight;
        this.countCapFactor = countCapFactor;
    }

    /** Count-weighted targets, knowledge weight 1. */
    public static GlobalTargets countWeighted(int k, int numClasses, int embedDim, int dIn) {
        return new GlobalTargets(k, numClasses, embedDim, dIn, Weighting.COUNT, 1.0);
    }

    /** Key of a summary: kind, edge and round. */
    public static String key(SummaryStats s) {
        return key(s.kind(), s.edgeId(), s.roundId());
    }

    /** Key of a contribution. */
    public static String key(SummaryKind kind, String edgeId, long roundId) {
        return kind + ":" + edgeId + ":" + roundId;
    }

    /**
     * Adds a summary, replacing any previous one with the same (kind, edge, round).
     *
     * @return true when it replaced an earlier contribution
     */
    public synchronized boolean put(SummaryStats s) {
        if (s.k() != k || s.numClasses() != numClasses || s.embedDim() != embedDim) {
            throw new IllegalArgumentException("summary shape (K=" + s.k() + ", C=" + s.numClasses() + ", e="
                    + s.embedDim() + ") does not match targets (" + k + ", " + numClasses + ", " + embedDim + ")");
        }
        double f = s.kind() == SummaryKind.KNOWLEDGE ? knowledgeWeight : 1.0;
        cached = null;
        return contributions.put(key(s), new Contribution(s, f)) != null;
    }

    /** Removes a contribution; returns whether it existed. */
    public synchronized boolean remove(SummaryKind kind, String edgeId, long roundId) {
        cached = null;
        return contributions.remove(key(kind, edgeId, roundId)) != null;
    }

    /** Multiplies the weight of every stored contribution by {@code factor} in (0, 1]. */
    public synchronized void decay(double factor) {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("decay factor must be in (0, 1]");
        }
        cached = null;
        contributions.replaceAll((key, c) -> new Contribution(c.summary(), c.factor() * factor));
        contributions.values().removeIf(c -> c.factor() < MIN_WEIGHT);
    }

    /** Number of stored contributions. */
    public synchronized int size() {
        return contributions.size();
    }

    /** The stored summaries, in key order. */
    public synchronized List<SummaryStats> summaries() {
        List<SummaryStats> out = new ArrayList<>();
        contributions.values().forEach(c -> out.add(c.summary()));
        return out;
    }

    /** Current targets (recomputed only when something changed since the last call). */
    public synchronized TargetSnapshot snapshot() {
        if (cached == null) {
            cached = rebuild();
        }
        return cached;
    }

    private double classWeight(SummaryStats s, double factor, int c, double cap) {
        long n = s.counts()[c];
        if (n == 0) {
            return 0;
        }
        return factor * (weighting == Weighting.COUNT ? CountBound.bounded(n, cap) : 1.0);
    }

    private TargetSnapshot rebuild() {
        int len = k * numClasses * embedDim;
        double[] w = new double[numClasses];
        double[] m = new double[len];
        double[] wq = new double[numClasses];
        double[] q = new double[len];
        double[] wi = new double[numClasses];
        double[] im = new double[numClasses * dIn];
        double[] iq = new double[numClasses * dIn];
        double cap = CountBound.cap(summaries(), countCapFactor);
        for (Map.Entry<String, Contribution> en : contributions.entrySet()) {
            SummaryStats s = en.getValue().summary();
            for (int c = 0; c < numClasses; c++) {
                double cw = classWeight(s, en.getValue().factor(), c, cap);
                if (cw == 0) {
                    continue;
                }
                w[c] += cw;
                accumulate(m, s.means(), cw, c);
                if (s.secondMoments() != null) {
                    wq[c] += cw;
                    accumulate(q, s.secondMoments(), cw, c);
                }
                if (s.inputMeans() != null && s.inputSecondMoments() != null && s.dIn() == dIn) {
                    wi[c] += cw;
                    for (int j = 0; j < dIn; j++) {
                        im[c * dIn + j] += cw * s.inputMeans()[c * dIn + j];
                        iq[c * dIn + j] += cw * s.inputSecondMoments()[c * dIn + j];
                    }
                }
            }
        }
        boolean allSecond = true;
        boolean allInput = true;
        for (int c = 0; c < numClasses; c++) {
            allSecond &= wq[c] == w[c];
            allInput &= wi[c] == w[c];
        }
        float[] means = divide(m, w);
        float[] second = allSecond ? divide(q, wq) : null;
        float[] inMean = allInput ? divideInput(im, wi) : null;
        float[] inSecond = allInput ? divideInput(iq, wi) : null;
        return new TargetSnapshot(k, numClasses, embedDim, dIn, w, means, second, inMean, inSecond,
                List.copyOf(contributions.keySet()));
    }

    private void accumulate(double[] acc, float[] src, double weight, int c) {
        for (int net = 0; net < k; net++) {
            int base = (net * numClasses + c) * embedDim;
            for (int j = 0; j < embedDim; j++) {
                acc[base + j] += weight * src[base + j];
            }
        }
    }

    private float[] divide(double[] acc, double[] w) {
        float[] out = new float[acc.length];
        for (int net = 0; net < k; net++) {
            for (int c = 0; c < numClasses; c++) {
                if (w[c] == 0) {
                    continue;
                }
                int base = (net * numClasses + c) * embedDim;
                for (int j = 0; j < embedDim; j++) {
                    out[base + j] = (float) (acc[base + j] / w[c]);
                }
            }
        }
        return out;
    }

    private float[] divideInput(double[] acc, double[] w) {
        float[] out = new float[acc.length];
        for (int c = 0; c < numClasses; c++) {
            if (w[c] == 0) {
                continue;
            }
            for (int j = 0; j < dIn; j++) {
                out[c * dIn + j] = (float) (acc[c * dIn + j] / w[c]);
            }
        }
        return out;
    }
}
