package io.edgedistill.core.synth;

import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.nn.SplitMix64;

/**
 * The starting set of an optimisation, from summary information only (never raw edge data): per class
 * {@link SynthConfig#ipc} samples from the class-conditional Gaussian of the targets' input moments (0/1
 * columns as Bernoulli draws of the class mean), or standard normal noise without input moments, clamped
 * into the {@link SearchBox}. Classes absent from the targets get no samples. The set is class-major in
 * equal blocks, which is what lets {@link DistilledSetOptimizer#run} take the hand-written gradient.
 */
final class SetInitialiser {
    private final SynthConfig config;

    SetInitialiser(SynthConfig config) {
        this.config = config;
    }

    /** Initial set from summary information (class-conditional Gaussian in input space, or noise). */
    DistilledSet initialise(TargetSnapshot t) {
        int d = t.dIn();
        int present = 0;
        for (int c = 0; c < t.numClasses(); c++) {
            present += t.hasClass(c) ? 1 : 0;
        }
        int m = present * config.ipc();
        boolean[] binary = SearchBox.binaryColumns(t);
        float[] x = new float[m * d];
        int[] labels = new int[m];
        int row = 0;
        for (int c = 0; c < t.numClasses(); c++) {
            if (!t.hasClass(c)) {
                continue;
            }
            SplitMix64 rng = SplitMix64.keyed(config.seed(), c, 0x5e7);
            for (int i = 0; i < config.ipc(); i++, row++) {
                labels[row] = c;
                for (int j = 0; j < d; j++) {
                    double mean = 0;
                    double std = 1;
                    if (t.inputMeans() != null) {
                        mean = t.inputMeans()[c * d + j];
                        std = Math.sqrt(Math.max(1e-6, t.inputSecondMoments()[c * d + j] - mean * mean));
                    }
                    double g = rng.nextGaussian();
                    x[row * d + j] = binary != null && binary[j] ? (g < inverseNormal(mean) ? 1f : 0f)
                            : (float) (mean + std * g);
                }
            }
        }
        float[][] box = SearchBox.of(t, labels, config.boxSigmas());
        if (box != null) {
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.min(Math.max(x[i], box[0][i]), box[1][i]);
            }
        }
        return new DistilledSet(t.numClasses(), d, config.ipc(), x, labels, null, Double.NaN, 0);
    }

    /** Φ⁻¹(p) for p in [0, 1] (Acklam's rational approximation; ±∞ at the ends), so that g &lt; Φ⁻¹(p) has probability p. */
    static double inverseNormal(double p) {
        if (p <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p >= 1) {
            return Double.POSITIVE_INFINITY;
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] dd = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        double lo = 0.02425;
        if (p < lo) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
        }
        if (p > 1 - lo) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
