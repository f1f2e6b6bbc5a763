package io.edgedistill.core.summary;

import java.util.Random;

/**
 * Calibration of the Gaussian mechanism by the exact ("analytic") condition of Balle &amp; Wang (ICML 2018,
 * Theorem 8): adding N(0, σ²I) to a function of L2 sensitivity Δ is (ε, δ)-DP iff
 * Φ(Δ/(2σ) − εσ/Δ) − e^ε·Φ(−Δ/(2σ) − εσ/Δ) ≤ δ. The smallest such σ is found by bisection. Unlike the
 * classical bound σ = Δ·√(2 ln(1.25/δ))/ε it is valid for every ε &gt; 0 and never larger.
 */
public final class GaussianMechanism {
    private GaussianMechanism() {
    }

    /** Smallest σ (relative precision 1e-9) such that the Gaussian mechanism with sensitivity Δ is (ε, δ)-DP. */
    public static double calibrate(double epsilon, double delta, double sensitivity) {
        if (!(epsilon > 0) || !(delta > 0 && delta < 1) || !(sensitivity > 0)) {
            throw new IllegalArgumentException("need epsilon > 0, 0 < delta < 1, sensitivity > 0");
        }
        double lo = 1e-6 * sensitivity;
        double hi = sensitivity;
        while (privacyLoss(epsilon, hi, sensitivity) > delta) {
            hi *= 2;
        }
        while (hi - lo > 1e-9 * hi) {
            double mid = 0.5 * (lo + hi);
            if (privacyLoss(epsilon, mid, sensitivity) > delta) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** The δ achieved at ε by noise σ for sensitivity Δ (exact condition of the analytic Gaussian mechanism). */
    public static double privacyLoss(double epsilon, double sigma, double sensitivity) {
        double a = sensitivity / (2 * sigma);
        double b = epsilon * sigma / sensitivity;
        return normalCdf(a - b) - Math.exp(epsilon) * normalCdf(-a - b);
    }

    /** Classical bound σ = Δ·√(2 ln(1.25/δ))/ε (valid for ε ≤ 1), for comparison. */
    public static double classicalSigma(double epsilon, double delta, double sensitivity) {
        return sensitivity * Math.sqrt(2 * Math.log(1.25 / delta)) / epsilon;
    }

    /** Adds independent N(0, σ²) noise to every element of {@code v} in place. */
    public static void perturb(double[] v, double sigma, Random rng) {
        for (int i = 0; i < v.length; i++) {
            v[i] += sigma * rng.nextGaussian();
        }
    }

    /** Standard normal CDF via a complementary error function accurate to ~1.2e-7 relative. */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** erfc by the Chebyshev fit of Numerical Recipes (erfcc), fractional error below 1.2e-7 everywhere. */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }
}
