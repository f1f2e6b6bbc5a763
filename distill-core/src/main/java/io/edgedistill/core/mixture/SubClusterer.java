package io.edgedistill.core.mixture;

import io.edgedistill.core.nn.SplitMix64;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge side: per class, a {@link FlooredKMeans} fit on the edge's pre-processed rows (already standardised
 * by the round's feature spec, so Euclidean distance weighs the columns alike), then each sub-cluster's count,
 * mean and per-dimension variance. A class with fewer than k_min rows sends its count only.
 *
 * <p>Why sub-clusters: the class mean and variance alone describe one Gaussian per class, and network-flow
 * classes are multi-modal (several tools, services and flag patterns per attack type). A handful of
 * sub-clusters of at least k_min rows each keeps the modes while every statistic sent is an average over at
 * least k_min rows. Deterministic: class c is seeded with {@code SplitMix64.keyed(seed, c)}.
 */
public final class SubClusterer {
    private final SubClusterOptions options;

    public SubClusterer(SubClusterOptions options) {
        this.options = options;
    }

    /**
     * Summarises n rows (x is n × d, row-major) with labels y in [0, numClasses).
     */
    public SubClusterSummary summarize(String edgeId, float[] x, int[] y, int numClasses) {
        int n = y.length;
        if (n == 0 || x.length % n != 0) {
            throw new IllegalArgumentException("x must hold n × d values for n = " + n + " > 0 labels");
        }
        int d = x.length / n;
        int[] perClass = new int[numClasses];
        for (int v : y) {
            if (v < 0 || v >= numClasses) {
                throw new IllegalArgumentException("label " + v + " outside [0, " + numClasses + ")");
            }
            perClass[v]++;
        }
        FlooredKMeans kmeans = new FlooredKMeans(options.maxClusters(), options.kMin(), options.maxIterations());
        List<ClassSubClusters> classes = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            int nc = perClass[c];
            if (nc < options.kMin()) {
                classes.add(new ClassSubClusters(c, nc, List.of()));
                continue;
            }
            float[] rows = new float[nc * d];
            int r = 0;
            for (int i = 0; i < n; i++) {
                if (y[i] == c) {
                    System.arraycopy(x, i * d, rows, r++ * d, d);
                }
            }
            int[] assign = kmeans.fit(rows, nc, d, SplitMix64.keyed(options.seed(), c));
            classes.add(new ClassSubClusters(c, nc, statistics(rows, nc, d, assign)));
        }
        return new SubClusterSummary(edgeId, numClasses, d, options.kMin(), classes);
    }

    /** Count, mean and (two-pass, population) variance of each cluster id 0..k−1. */
    static List<SubCluster> statistics(float[] rows, int n, int d, int[] assign) {
        int k = 0;
        for (int a : assign) {
            k = Math.max(k, a + 1);
        }
        long[] cnt = new long[k];
        double[] sum = new double[k * d];
        for (int i = 0; i < n; i++) {
            int a = assign[i];
            cnt[a]++;
            for (int t = 0; t < d; t++) {
                sum[a * d + t] += rows[i * d + t];
            }
        }
        double[] mean = new double[k * d];
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < d; t++) {
                mean[j * d + t] = sum[j * d + t] / cnt[j];
            }
        }
        double[] ss = new double[k * d];
        for (int i = 0; i < n; i++) {
            int a = assign[i];
            for (int t = 0; t < d; t++) {
                double diff = rows[i * d + t] - mean[a * d + t];
                ss[a * d + t] += diff * diff;
            }
        }
        List<SubCluster> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            float[] mu = new float[d];
            float[] var = new float[d];
            for (int t = 0; t < d; t++) {
                mu[t] = (float) mean[j * d + t];
                var[t] = (float) (ss[j * d + t] / cnt[j]);
            }
            out.add(new SubCluster(cnt[j], mu, var));
        }
        return out;
    }
}
