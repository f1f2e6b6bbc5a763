package io.edgedistill.core.mixture;

import java.util.function.IntPredicate;

/** Splits a row budget over classes in proportion to weights (largest remainder, ties to the lower class). */
public final class Allocation {
    private Allocation() {
    }

    public static int[] proportional(long[] weights, IntPredicate eligible, int total, int minPerClass) {
        if (total < 0 || minPerClass < 0) {
            throw new IllegalArgumentException("negative budget");
        }
        int c = weights.length;
        double sum = 0;
        for (int k = 0; k < c; k++) {
            if (weights[k] < 0) {
                throw new IllegalArgumentException("negative weight");
            }
            if (eligible.test(k)) {
                sum += weights[k];
            }
        }
        int[] out = new int[c];
        if (sum == 0) {
            return out;
        }
        double[] rem = new double[c];
        int given = 0;
        for (int k = 0; k < c; k++) {
            if (eligible.test(k) && weights[k] > 0) {
                double share = (double) total * weights[k] / sum;
                out[k] = (int) Math.floor(share);
                rem[k] = share - out[k];
                given += out[k];
            }
        }
        while (given < total) {
            int best = -1;
            for (int k = 0; k < c; k++) {
                if (eligible.test(k) && weights[k] > 0 && (best < 0 || rem[k] > rem[best])) {
                    best = k;
                }
            }
            out[best]++;
            rem[best] = -1;
            given++;
        }
        for (int k = 0; k < c; k++) {
            if (eligible.test(k) && weights[k] > 0) {
                out[k] = Math.max(out[k], minPerClass);
            }
        }
        return out;
    }
}
