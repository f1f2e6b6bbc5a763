package io.edgedistill.core.data;

import java.util.SplittableRandom;

/**
 * Seeded sampling helpers on top of {@link SplittableRandom} (portable and deterministic across JVMs,
 * unlike framework RNGs). All methods are pure functions of the generator state.
 */
public final class Sampling {
    private Sampling() {
    }

    /** Standard normal by the Box–Muller transform (one of the pair is discarded, for simplicity). */
    public static double normal(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        if (u1 < 1e-300) {
            u1 = 1e-300;
        }
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    public static double normal(SplittableRandom r, double mean, double sd) {
        return mean + sd * normal(r);
    }

    /** Lognormal whose median is {@code median} and whose log-space standard deviation is {@code sigma}. */
    public static double lognormal(SplittableRandom r, double median, double sigma) {
        return median * Math.exp(sigma * normal(r));
    }

    /** Pareto (type I) with scale {@code xm} and shape {@code alpha}: heavy tail, P(X &gt; x) = (xm/x)^alpha. */
    public static double pareto(SplittableRandom r, double xm, double alpha) {
        double u = 1.0 - r.nextDouble(); // (0, 1]
        return xm / Math.pow(u, 1.0 / alpha);
    }

    public static double exponential(SplittableRandom r, double mean) {
        return -mean * Math.log(1.0 - r.nextDouble());
    }

    public static double uniform(SplittableRandom r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    /** Poisson by inversion for small means, normal approximation above 500. */
    public static int poisson(SplittableRandom r, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 500) {
            return (int) Math.max(0, Math.round(normal(r, mean, Math.sqrt(mean))));
        }
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1.0;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }

    /**
     * Gamma(shape, 1) by Marsaglia–Tsang; for shape &lt; 1 uses the boost Gamma(a) = Gamma(a+1)·U^(1/a).
     */
    public static double gamma(SplittableRandom r, double shape) {
        if (shape <= 0) {
            throw new IllegalArgumentException("shape must be > 0: " + shape);
        }
        if (shape < 1.0) {
            double u = r.nextDouble();
            if (u < 1e-300) {
                u = 1e-300;
            }
            return gamma(r, shape + 1.0) * Math.pow(u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x;
            double v;
            do {
                x = normal(r);
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = r.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) {
                return d * v;
            }
            if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** One draw from a symmetric Dirichlet(alpha) over {@code k} components. */
    public static double[] dirichlet(SplittableRandom r, double alpha, int k) {
        double[] p = new double[k];
        double s = 0;
        for (int i = 0; i < k; i++) {
            p[i] = gamma(r, alpha);
            s += p[i];
        }
        if (s <= 0 || !Double.isFinite(s)) {
            // extreme underflow for tiny alpha: put all mass on one component
            java.util.Arrays.fill(p, 0);
            p[r.nextInt(k)] = 1;
            return p;
        }
        for (int i = 0; i < k; i++) {
            p[i] /= s;
        }
        return p;
    }

    /** Index drawn from (unnormalised, non-negative) weights. */
    public static int categorical(SplittableRandom r, double[] weights) {
        double s = 0;
        for (double w : weights) {
            s += w;
        }
        double u = r.nextDouble() * s;
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (u < acc) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** In-place Fisher–Yates shuffle. */
    public static void shuffle(SplittableRandom r, int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * {@code n} rows of {@code d} standard-normal features in {@code c} classes (row i is of class i mod c), each class
     * shifted by 1 on the features j with j mod c equal to it: separable, cheap data to warm up or time training with.
     */
    public static Dataset classBlobs(int n, int d, int c, long seed) {
        float[] x = new float[n * d];
        int[] y = new int[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            y[i] = i % c;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (r.nextGaussian() + (j % c == y[i] ? 1 : 0));
            }
        }
        java.util.List<String> classes = new java.util.ArrayList<>();
        for (int k = 0; k < c; k++) {
            classes.add("c" + k);
        }
        java.util.List<String> features = new java.util.ArrayList<>();
        for (int j = 0; j < d; j++) {
            features.add("f" + j);
        }
        return new Dataset(x, y, d, classes, features);
    }
}
