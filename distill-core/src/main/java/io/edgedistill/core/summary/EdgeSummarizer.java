package io.edgedistill.core.summary;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.nn.EmbeddingSpec;
import java.util.Arrays;

/**
 * Computes the per-class summary of an edge's labelled local data (docs/design.md §3.2). All K networks run in one
 * batched forward pass per chunk; per-class sums are one more GEMM (embeddings · one-hot). Sums
 * are accumulated in double across chunks.
 *
 * <p>Differential privacy (optional, {@link DpConfig}): each sample's embedding under each network is clipped
 * to L2 norm C, then Gaussian noise is added to the per-class sums, counts (and squared sums). Accounting:
 * add/remove-one-sample adjacency; one sample changes only its own class (classes are disjoint, parallel
 * composition), by at most C·√K on the embedding sums, 1 on the count and C²·√K on the squared sums. Each
 * part is scaled to unit sensitivity, so the joint release has L2 sensitivity √P (P parts) and the noise
 * multiplier σ_u is calibrated by the analytic Gaussian mechanism ({@link GaussianMechanism}) for that
 * sensitivity. The reported (ε, δ) holds for one summary; repeated rounds over the same data compose
 * (basic composition: ε and δ add up). Input-space moments are never sent under DP.
 *
 * <p>Thread-safe; each call uses its own native memory scope.
 */
public final class EdgeSummarizer {
    private final EmbeddingNetworks networks;
    private final SummaryOptions options;

    /** Summarizer for one round's networks. */
    public EdgeSummarizer(EmbeddingNetworks networks, SummaryOptions options) {
        this.networks = networks;
        this.options = options;
    }

    /** The networks in use. */
    public EmbeddingNetworks networks() {
        return networks;
    }

    /** Summarises labelled data as a {@link SummaryKind#DATA} summary. */
    public SummaryStats summarize(String edgeId, long roundId, float[] x, int n, int[] labels, int numClasses) {
        return summarize(edgeId, roundId, SummaryKind.DATA, x, n, labels, numClasses);
    }

    /**
     * Summarises labelled data.
     *
     * @param x          row-major inputs (n × dIn), already pre-processed with the round's normalisation
     * @param n          rows
     * @param labels     class index per row, in [0, numClasses)
     * @param numClasses C
     */
    public SummaryStats summarize(String edgeId, long roundId, SummaryKind kind, float[] x, int n, int[] labels,
                                 int numClasses) {
        EmbeddingSpec spec = networks.spec();
        int d = spec.dIn();
        int k = spec.k();
        int e = spec.embedDim();
        if ((long) n * d != x.length || labels.length != n) {
            throw new IllegalArgumentException("x must be n*dIn and labels n long (n=" + n + ")");
        }
        for (int y : labels) {
            if (y < 0 || y >= numClasses) {
                throw new IllegalArgumentException("label " + y + " outside [0," + numClasses + ")");
            }
        }
        long[] counts = new long[numClasses];
        for (int y : labels) {
            counts[y]++;
        }
        DpConfig dp = options.dp();
        double[] sums = new double[k * numClasses * e];
        double[] squares = options.secondMoments() ? new double[sums.length] : null;
        accumulate(x, n, labels, numClasses, dp == null ? 0 : dp.clipNorm(), sums, squares);

        PrivacyReport report = null;
        double[] countsD = Arrays.stream(counts).asDoubleStream().toArray();
        if (dp != null) {
            int parts = squares == null ? 2 : 3;
            double sigmaU = GaussianMechanism.calibrate(dp.epsilon(), dp.delta(), Math.sqrt(parts));
            double c = dp.clipNorm();
            double sigmaSums = sigmaU * c * Math.sqrt(k);
            double sigmaSquares = squares == null ? Double.NaN : sigmaU * c * c * Math.sqrt(k);
            GaussianMechanism.perturb(sums, sigmaSums, dp.noise());
            GaussianMechanism.perturb(countsD, sigmaU, dp.noise());
            if (squares != null) {
                GaussianMechanism.perturb(squares, sigmaSquares, dp.noise());
            }
            for (int cl = 0; cl < numClasses; cl++) {
                counts[cl] = Math.max(0, Math.round(countsD[cl]));
            }
            report = new PrivacyReport(dp.epsilon(), dp.delta(), c, sigmaU, sigmaSums, sigmaU, sigmaSquares,
                    "analytic Gaussian mechanism (Balle & Wang 2018); add/remove-one adjacency; per-sample "
                            + "per-network L2 clipping to C; " + parts + " parts at unit sensitivity (joint "
                            + "sensitivity sqrt(" + parts + ")); disjoint classes (parallel composition); "
                            + "per summary, rounds compose additively");
        }
        float[] means = divide(sums, counts, k, numClasses, e);
        float[] second = squares == null ? null : divide(squares, counts, k, numClasses, e);
        float[] inMeans = null;
        float[] inSecond = null;
        if (options.inputMoments() && dp == null) {
            inMeans = new float[numClasses * d];
            inSecond = new float[numClasses * d];
            inputMoments(x, n, d, labels, counts, inMeans, inSecond);
        }
        return new SummaryStats(edgeId, roundId, kind, k, numClasses, e, d, counts, means, second, inMeans,
                inSecond, report);
    }

    /** Batched forward + per-class sums, chunk by chunk. clip &gt; 0 clips each network's embedding. */
    private void accumulate(float[] x, int n, int[] labels, int numClasses, double clip, double[] sums,
                            double[] squares) {
        int d = networks.spec().dIn();
        int chunk = options.chunkRows();
        try (NDManager base = NDManager.newBaseManager()) {
            EmbeddingNetworks.Loaded w = networks.load(base);
            for (int start = 0; start < n; start += chunk) {
                int b = Math.min(chunk, n - start);
                try (NDManager m = base.newSubManager()) {
                    float[] xs = (start == 0 && b == n) ? x : Arrays.copyOfRange(x, start * d, (start + b) * d);
                    float[] onehot = new float[b * numClasses];
                    for (int i = 0; i < b; i++) {
                        onehot[i * numClasses + labels[start + i]] = 1f;
                    }
                    NDArray emb = networks.forward(w, m.create(xs, new Shape(b, d))); // (K, e, b)
                    if (clip > 0) {
                        NDArray norms = emb.square().sum(new int[] {1}, true).sqrt(); // (K, 1, b)
                        NDArray scale = norms.maximum(1e-12f).pow(-1f).mul((float) clip).minimum(1f);
                        emb = emb.mul(scale);
                    }
                    NDArray y = m.create(onehot, new Shape(b, numClasses));
                    addTransposed(sums, emb.matMul(y).toFloatArray(), numClasses); // (K, e, C)
                    if (squares != null) {
                        addTransposed(squares, emb.square().matMul(y).toFloatArray(), numClasses);
                    }
                }
            }
        }
    }

    /** acc (K, C, e) += v (K, e, C). */
    private void addTransposed(double[] acc, float[] v, int numClasses) {
        int k = networks.spec().k();
        int e = networks.spec().embedDim();
        for (int net = 0; net < k; net++) {
            for (int j = 0; j < e; j++) {
                int src = (net * e + j) * numClasses;
                for (int c = 0; c < numClasses; c++) {
                    acc[(net * numClasses + c) * e + j] += v[src + c];
                }
            }
        }
    }

    private static float[] divide(double[] sums, long[] counts, int k, int numClasses, int e) {
        float[] out = new float[sums.length];
        for (int net = 0; net < k; net++) {
            for (int c = 0; c < numClasses; c++) {
                if (counts[c] == 0) {
                    continue;
                }
                int base = (net * numClasses + c) * e;
                for (int j = 0; j < e; j++) {
                    out[base + j] = (float) (sums[base + j] / counts[c]);
                }
            }
        }
        return out;
    }

    private static void inputMoments(float[] x, int n, int d, int[] labels, long[] counts, float[] mean,
                                     float[] second) {
        double[] s = new double[mean.length];
        double[] q = new double[mean.length];
        for (int i = 0; i < n; i++) {
            int base = labels[i] * d;
            for (int j = 0; j < d; j++) {
                double v = x[i * d + j];
                s[base + j] += v;
                q[base + j] += v * v;
            }
        }
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                mean[c * d + j] = (float) (s[c * d + j] / counts[c]);
                second[c * d + j] = (float) (q[c * d + j] / counts[c]);
            }
        }
    }
}
