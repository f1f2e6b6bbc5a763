package io.edgedistill.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Non-IID split of sample indices over N edges (the label-skew protocol of Hsu et al. 2019 / NIID-Bench):
 * for every class c, draw proportions p_c ~ Dirichlet(β, …, β) over the N edges, shuffle the class's
 * indices and cut them at the cumulative proportions. Small β (0.1) gives each edge a few dominant classes;
 * large β (100) gives near-uniform mixes.
 *
 * <p><b>Minimum size rule</b>: a draw is accepted when every edge gets at least {@code minSize} samples
 * (default {@code min(10, floor(n / (2N)))}, at least 1). Otherwise the whole draw is repeated with the next
 * attempt's generator (split deterministically from the seed), up to {@code maxAttempts} (default 1000).
 * If no draw is accepted, the last draw is repaired: each too-small edge takes randomly chosen samples from
 * the currently largest edge until it reaches {@code minSize}. Every sample is assigned exactly once.
 */
public final class DirichletPartitioner {
    private final int edges;
    private final double beta;
    private final long seed;
    private int minSize = -1;
    private int maxAttempts = 1000;
    private int attemptsUsed;
    private boolean repaired;

    public DirichletPartitioner(int edges, double beta, long seed) {
        if (edges < 1) {
            throw new IllegalArgumentException("edges must be >= 1");
        }
        if (!(beta > 0)) {
            throw new IllegalArgumentException("beta must be > 0");
        }
        this.edges = edges;
        this.beta = beta;
        this.seed = seed;
    }

    /** Minimum samples per edge (negative = default rule). */
    public DirichletPartitioner minSize(int m) {
        this.minSize = m;
        return this;
    }

    public DirichletPartitioner maxAttempts(int a) {
        this.maxAttempts = Math.max(1, a);
        return this;
    }

    /** Attempts used by the last {@link #partition} call. */
    public int attemptsUsed() {
        return attemptsUsed;
    }

    /** Whether the last call had to repair the last draw. */
    public boolean repaired() {
        return repaired;
    }

    /**
     * Partitions the indices 0..y.length-1; returns per edge its sorted sample indices.
     *
     * @param y          class id per sample
     * @param numClasses number of classes (ids in [0, numClasses))
     */
    public int[][] partition(int[] y, int numClasses) {
        int n = y.length;
        if (n < edges) {
            throw new IllegalArgumentException("cannot give " + edges + " edges a sample each from " + n + " samples");
        }
        int min = minSize >= 0 ? Math.max(1, minSize) : Math.max(1, Math.min(10, n / (2 * edges)));
        min = Math.min(min, n / edges);
        int[][] byClass = new int[numClasses][];
        int[] cnt = new int[numClasses];
        for (int v : y) {
            cnt[v]++;
        }
        for (int c = 0; c < numClasses; c++) {
            byClass[c] = new int[cnt[c]];
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < n; i++) {
            byClass[y[i]][fill[y[i]]++] = i;
        }
        SplittableRandom master = new SplittableRandom(seed);
        List<List<Integer>> parts = null;
        repaired = false;
        for (attemptsUsed = 1; attemptsUsed <= maxAttempts; attemptsUsed++) {
            SplittableRandom r = master.split();
            parts = drawOnce(byClass, r);
            if (smallest(parts) >= min) {
                return toArrays(parts);
            }
        }
        attemptsUsed = maxAttempts;
        repaired = true;
        repair(parts, min, master.split());
        return toArrays(parts);
    }

    private List<List<Integer>> drawOnce(int[][] byClass, SplittableRandom r) {
        List<List<Integer>> parts = new ArrayList<>(edges);
        for (int e = 0; e < edges; e++) {
            parts.add(new ArrayList<>());
        }
        for (int[] idxOrig : byClass) {
            if (idxOrig.length == 0) {
                continue;
            }
            int[] idx = idxOrig.clone();
            Sampling.shuffle(r, idx);
            double[] p = Sampling.dirichlet(r, beta, edges);
            double cum = 0;
            int start = 0;
            for (int e = 0; e < edges; e++) {
                cum += p[e];
                int end = e == edges - 1 ? idx.length : (int) Math.min(idx.length, Math.round(cum * idx.length));
                for (int k = start; k < end; k++) {
                    parts.get(e).add(idx[k]);
                }
                start = Math.max(start, end);
            }
        }
        return parts;
    }

    private static int smallest(List<List<Integer>> parts) {
        int m = Integer.MAX_VALUE;
        for (List<Integer> p : parts) {
            m = Math.min(m, p.size());
        }
        return m;
    }

    private void repair(List<List<Integer>> parts, int min, SplittableRandom r) {
        for (int e = 0; e < edges; e++) {
            List<Integer> small = parts.get(e);
            while (small.size() < min) {
                int big = 0;
                for (int k = 1; k < edges; k++) {
                    if (parts.get(k).size() > parts.get(big).size()) {
                        big = k;
                    }
                }
                List<Integer> donor = parts.get(big);
                int pick = r.nextInt(donor.size());
                int last = donor.size() - 1;
                int v = donor.get(pick);
                donor.set(pick, donor.get(last));
                donor.remove(last);
                small.add(v);
            }
        }
    }

    private static int[][] toArrays(List<List<Integer>> parts) {
        int[][] out = new int[parts.size()][];
        for (int e = 0; e < out.length; e++) {
            List<Integer> p = parts.get(e);
            int[] a = new int[p.size()];
            for (int k = 0; k < a.length; k++) {
                a[k] = p.get(k);
            }
            Arrays.sort(a);
            out[e] = a;
        }
        return out;
    }

    /** Class counts per edge: result[e][c]. */
    public static int[][] classCounts(int[][] parts, int[] y, int numClasses) {
        int[][] m = new int[parts.length][numClasses];
        for (int e = 0; e < parts.length; e++) {
            for (int i : parts[e]) {
                m[e][y[i]]++;
            }
        }
        return m;
    }
}
