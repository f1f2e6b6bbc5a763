package io.edgedistill.bench.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A privacy smoke check of a generated set: the Euclidean distance from each of a sample of generated rows to
 * its nearest real training row, against the distance from a sample of real rows to their nearest other real
 * row. Generated rows that sit much closer to real rows than real rows sit to each other would be copies in
 * disguise. Not a privacy guarantee; a regression signal.
 */
final class NearestNeighbourCheck {
    /** Query rows on each side (the reference is every real row). */
    static final int QUERIES = 500;

    /** Medians, 5th percentiles and shares of exact copies (distance below 1e-6) of both sides. */
    record Result(double generatedMedian, double generatedP5, double generatedZeroShare,
                  double realMedian, double realP5, double realZeroShare) {
    }

    private NearestNeighbourCheck() {
    }

    static Result run(float[] real, int nReal, float[] generated, int nGen, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] gen = new double[Math.min(QUERIES, nGen)];
        for (int q = 0; q < gen.length; q++) {
            gen[q] = nearest(real, nReal, d, generated, r.nextInt(nGen) * d, -1);
        }
        double[] own = new double[Math.min(QUERIES, nReal)];
        for (int q = 0; q < own.length; q++) {
            int i = r.nextInt(nReal);
            own[q] = nearest(real, nReal, d, real, i * d, i);
        }
        return new Result(quantile(gen, 0.5), quantile(gen, 0.05), zeroShare(gen),
                quantile(own, 0.5), quantile(own, 0.05), zeroShare(own));
    }

    private static double nearest(float[] ref, int n, int d, float[] q, int qoff, int skip) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (i == skip) {
                continue;
            }
            double s = 0;
            int off = i * d;
            for (int j = 0; j < d && s < best; j++) {
                double diff = ref[off + j] - q[qoff + j];
                s += diff * diff;
            }
            best = Math.min(best, s);
        }
        return Math.sqrt(best);
    }

    private static double quantile(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
    }

    private static double zeroShare(double[] v) {
        return Arrays.stream(v).filter(x -> x < 1e-6).count() / (double) v.length;
    }
}
