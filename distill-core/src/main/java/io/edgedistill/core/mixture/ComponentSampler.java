package io.edgedistill.core.mixture;

import io.edgedistill.core.nn.SplitMix64;
import java.util.List;

/**
 * Draws rows of one class of a {@link MixturePrior} (see there for the rules). Precomputes, per component,
 * the floored standard deviations, so that a draw is a few array reads per
 * value.
 */
final class ComponentSampler {
    private final int d;
    private final List<SubCluster> comps;
    private final double[] cumulative;
    private final float[][] std;
    private final double clip;
    private final double sigmas;
    private final boolean[] binary;
    private final boolean[] grouped;
    private final List<int[]> groups;

    ComponentSampler(MixturePrior prior, int c) {
        ColumnLayout layout = prior.layout();
        MixtureOptions opt = prior.options();
        this.d = prior.dim();
        this.comps = prior.components(c);
        this.binary = layout.binary();
        this.groups = layout.groups();
        this.grouped = new boolean[d];
        for (int[] g : groups) {
            for (int j : g) {
                grouped[j] = true;
            }
        }
        double[] var = prior.classVarianceRef(c);
        this.clip = layout.clip() > 0 ? layout.clip() : Double.POSITIVE_INFINITY;
        this.sigmas = opt.boxSigmas() > 0 ? opt.boxSigmas() : Double.POSITIVE_INFINITY;
        this.cumulative = new double[comps.size()];
        this.std = new float[comps.size()][d];
        double acc = 0;
        for (int k = 0; k < comps.size(); k++) {
            SubCluster s = comps.get(k);
            acc += s.count();
            cumulative[k] = acc;
            for (int j = 0; j < d; j++) {
                double floor = opt.minStdFraction() * Math.sqrt(var[j]);
                std[k][j] = (float) Math.sqrt(Math.max(s.variance()[j], floor * floor));
            }
        }
    }

    float[] draw(int n, SplitMix64 rng) {
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int k = pick(rng.nextDouble() * cumulative[cumulative.length - 1]);
            float[] mu = comps.get(k).mean();
            int off = i * d;
            for (int j = 0; j < d; j++) {
                if (grouped[j]) {
                    continue;
                }
                if (binary[j]) {
                    x[off + j] = rng.nextDouble() < mu[j] ? 1f : 0f;
                } else {
                    double g = Math.max(-sigmas, Math.min(sigmas, rng.nextGaussian()));
                    double v = mu[j] + std[k][j] * g;
                    x[off + j] = (float) Math.min(clip, Math.max(-clip, v));
                }
            }
            for (int[] g : groups) {
                oneHot(g, mu, x, off, rng.nextDouble());
            }
        }
        return x;
    }

    /** Sets at most one column of the group to 1, column j with probability mean[j] (clamped, renormalised if the means sum over 1). */
    private static void oneHot(int[] g, float[] mu, float[] x, int off, double u) {
        double total = 0;
        for (int j : g) {
            total += Math.max(0, mu[j]);
        }
        double t = u * Math.max(1.0, total);
        double acc = 0;
        for (int j : g) {
            acc += Math.max(0, mu[j]);
            if (t < acc) {
                x[off + j] = 1f;
                return;
            }
        }
    }

    private int pick(double u) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
