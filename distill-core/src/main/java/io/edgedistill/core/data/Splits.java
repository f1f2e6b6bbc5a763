package io.edgedistill.core.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded index splits: stratified train/test, and random real subsets of k samples per class. */
public final class Splits {
    private Splits() {
    }

    /** Train and test indices (each sorted ascending). */
    public record TrainTest(int[] train, int[] test) {
    }

    /**
     * Stratified split: per class, {@code round(n_c · testFraction)} shuffled samples go to the test set, but
     * at least one on each side when the class has two or more samples (a singleton class stays in training).
     */
    public static TrainTest stratified(int[] y, int numClasses, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0,1)");
        }
        SplittableRandom r = new SplittableRandom(seed);
        int[][] byClass = byClass(y, numClasses);
        int nTest = 0;
        int[][] testPer = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            int[] idx = byClass[c].clone();
            Sampling.shuffle(r, idx);
            int k = (int) Math.round(idx.length * testFraction);
            if (idx.length >= 2) {
                k = Math.max(1, Math.min(idx.length - 1, k));
            } else {
                k = 0;
            }
            testPer[c] = Arrays.copyOf(idx, k);
            nTest += k;
        }
        boolean[] isTest = new boolean[y.length];
        int[] test = new int[nTest];
        int p = 0;
        for (int[] t : testPer) {
            for (int i : t) {
                isTest[i] = true;
                test[p++] = i;
            }
        }
        int[] train = new int[y.length - nTest];
        p = 0;
        for (int i = 0; i < y.length; i++) {
            if (!isTest[i]) {
                train[p++] = i;
            }
        }
        Arrays.sort(test);
        return new TrainTest(train, test);
    }

    /**
     * Up to {@code perClass} random samples of every class (all of a class when it has fewer), sorted.
     */
    public static int[] randomPerClass(int[] y, int numClasses, int perClass, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] byClass = byClass(y, numClasses);
        int total = 0;
        for (int[] b : byClass) {
            total += Math.min(perClass, b.length);
        }
        int[] out = new int[total];
        int p = 0;
        for (int[] b : byClass) {
            int[] idx = b.clone();
            Sampling.shuffle(r, idx);
            for (int k = 0; k < Math.min(perClass, idx.length); k++) {
                out[p++] = idx[k];
            }
        }
        Arrays.sort(out);
        return out;
    }

    /** Indices grouped by class, ascending within a class. */
    public static int[][] byClass(int[] y, int numClasses) {
        int[] cnt = new int[numClasses];
        for (int v : y) {
            cnt[v]++;
        }
        int[][] out = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            out[c] = new int[cnt[c]];
        }
        int[] f = new int[numClasses];
        for (int i = 0; i < y.length; i++) {
            out[y[i]][f[y[i]]++] = i;
        }
        return out;
    }
}
