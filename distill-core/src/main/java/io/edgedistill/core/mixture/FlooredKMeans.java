package io.edgedistill.core.mixture;

import io.edgedistill.core.nn.SplitMix64;
import java.util.Arrays;

/**
 * Seeded k-means++ / Lloyd on the rows of one class, followed by the privacy floor: while some cluster holds
 * fewer than {@code kMin} rows, the smallest such cluster is merged into the cluster whose centroid is nearest
 * to its own, and the merged centroid is recomputed. Rows of other clusters never move during the merges, so
 * cluster sizes only grow and at most k − 1 merges happen; with n ≥ kMin rows the result always satisfies the
 * floor (in the worst case one cluster of all n rows).
 *
 * <p>The initial k is min(M, ⌊n / kMin⌋), so that the floor is reachable without merging in the common case.
 * All arithmetic is in double in a fixed order and ties go to the lowest index, so the fit is a pure function
 * of the rows (in their order) and the seed.
 *
 * <p>The seeding and Lloyd's iterations skip the distances that cannot change an assignment (the triangle
 * inequality; Elkan's bounds in the iterations: an upper bound of each row's distance to its centroid, a lower
 * bound of its distance to every other centroid, and the distances between centroids). The assignments are exactly
 * Lloyd's: a distance is skipped only when the bounds prove that centroid farther by a wide margin, every other one
 * is computed as the plain search computes it, and ties go to the lowest index. An edge with many rows spends most
 * of its summary here.
 */
final class FlooredKMeans {
    /**
     * A row keeps its centroid without a search only when its bounds prove it nearest by this relative margin, far
     * beyond the rounding of the bounds, so that the pruning never changes an assignment.
     */
    private static final double SAFE = 1 - 1e-9;
    /**
     * An absolute slack on top of {@link #SAFE}, relative to the rows' largest norm: the lower bounds are kept by
     * subtracting centroid moves, which leaves an absolute rounding error, so a bound near 0 proves nothing.
     */
    private static final double SLACK = 1e-9;
    private final int maxClusters;
    private final int kMin;
    private final int maxIterations;
    private final boolean prune;

    FlooredKMeans(int maxClusters, int kMin, int maxIterations) {
        this(maxClusters, kMin, maxIterations, true);
    }

    /** With {@code prune} false every row is searched in full in every iteration (plain Lloyd, for tests). */
    FlooredKMeans(int maxClusters, int kMin, int maxIterations, boolean prune) {
        this.maxClusters = maxClusters;
        this.kMin = kMin;
        this.maxIterations = maxIterations;
        this.prune = prune;
    }

    /** Cluster ids in [0, k) for each of the n rows of {@code rows} (n × d, row-major); n must be ≥ kMin. */
    int[] fit(float[] rows, int n, int d, SplitMix64 rng) {
        if (n < kMin) {
            throw new IllegalArgumentException(n + " rows are below the floor " + kMin);
        }
        int k0 = Math.max(1, Math.min(maxClusters, n / kMin));
        Seeds seeds = plusPlus(rows, n, d, k0, rng, prune);
        double[] centroids = seeds.centroids();
        int k = centroids.length / d;
        int[] assign = seeds.nearest().clone(); // Lloyd's first assignment: the seeding found each row's nearest seed
        if (!prune) {
            Arrays.fill(assign, -1); // plain Lloyd searches in its first iteration too
        }
        double[] upper = new double[n];
        for (int i = 0; i < n; i++) {
            upper[i] = Math.sqrt(seeds.d2()[i]);
        }
        double[] lower = seeds.lower(); // n × k0: a lower bound of each row's distance to each centroid
        double slack = SLACK * maxNorm(rows, n, d);
        double[] gaps = new double[k * k];
        double[] halfGap = new double[k];
        double[] moved = new double[k];
        double[] previous = new double[k * d];
        for (int it = 0; it < maxIterations; it++) {
            int changed = prune && it == 0 ? n : 0;
            if (!prune || it > 0) {
                gaps(centroids, k, d, gaps, halfGap);
                for (int i = 0; i < n; i++) {
                    int best = prune ? elkan(rows, i, d, centroids, k, k0, assign[i], upper, lower, gaps, halfGap,
                            slack)
                            : search(rows, i * d, centroids, k, d);
                    if (best != assign[i]) {
                        assign[i] = best;
                        changed++;
                    }
                }
            }
            System.arraycopy(centroids, 0, previous, 0, k * d);
            recompute(rows, n, d, assign, centroids, k);
            if (changed == 0) {
                break;
            }
            if (prune) {
                drift(previous, centroids, k, k0, d, assign, upper, lower, moved);
            }
        }
        enforceFloor(rows, n, d, assign, centroids, k);
        return compact(assign, k);
    }

    /**
     * k-means++ seeds; each row's nearest seed (ties to the lowest index) with its squared distance; and a lower bound
     * of each row's distance to each seed (n × k, the distance itself where it was computed).
     */
    private record Seeds(double[] centroids, int[] nearest, double[] d2, double[] lower) {
    }

    /**
     * k-means++ seeding; returns fewer than k centroids when the rows hold fewer distinct points. With pruning, a
     * row skips a new seed whose distance from the row's nearest seed proves it farther (the triangle inequality,
     * with the same margin as the iterations): the seeds and distances are those of the full computation.
     */
    private static Seeds plusPlus(float[] rows, int n, int d, int k, SplitMix64 rng, boolean prune) {
        double[] c = new double[k * d];
        int first = (int) Math.min(n - 1, (long) (rng.nextDouble() * n));
        copyRow(rows, first, d, c, 0);
        double[] d2 = new double[n];
        int[] nearest = new int[n];
        double[] lower = new double[n * k];
        for (int i = 0; i < n; i++) {
            d2[i] = dist2(rows, i * d, c, 0, d);
            lower[i * k] = Math.sqrt(d2[i]);
        }
        double[] gap = new double[k];
        int have = 1;
        while (have < k) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            if (total <= 0) {
                break;
            }
            double u = rng.nextDouble() * total;
            int pick = n - 1;
            double acc = 0;
            for (int i = 0; i < n; i++) {
                acc += d2[i];
                if (acc > u && d2[i] > 0) {
                    pick = i;
                    break;
                }
            }
            copyRow(rows, pick, d, c, have * d);
            for (int j = 0; j < have; j++) {
                gap[j] = Math.sqrt(dist2(c, j * d, c, have * d, d));
            }
            for (int i = 0; i < n; i++) {
                double own = Math.sqrt(d2[i]);
                if (prune && gap[nearest[i]] * SAFE > 2 * own) {
                    lower[i * k + have] = gap[nearest[i]] - own;
                    continue;
                }
                double dd = dist2(rows, i * d, c, have * d, d);
                lower[i * k + have] = Math.sqrt(dd);
                if (dd < d2[i]) {
                    d2[i] = dd;
                    nearest[i] = have;
                }
            }
            have++;
        }
        return new Seeds(have == k ? c : Arrays.copyOf(c, have * d), nearest, d2, lower);
    }

    private void enforceFloor(float[] rows, int n, int d, int[] assign, double[] centroids, int k) {
        long[] size = new long[k];
        for (int a : assign) {
            size[a]++;
        }
        boolean[] alive = new boolean[k];
        int aliveCount = 0;
        for (int j = 0; j < k; j++) {
            alive[j] = size[j] > 0;
            aliveCount += alive[j] ? 1 : 0;
        }
        while (aliveCount > 1) {
            int small = -1;
            for (int j = 0; j < k; j++) {
                if (alive[j] && size[j] < kMin && (small < 0 || size[j] < size[small])) {
                    small = j;
                }
            }
            if (small < 0) {
                return;
            }
            int target = -1;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                if (alive[j] && j != small) {
                    double dd = dist2(centroids, small * d, centroids, j * d, d);
                    if (dd < bestDist) {
                        bestDist = dd;
                        target = j;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                if (assign[i] == small) {
                    assign[i] = target;
                }
            }
            size[target] += size[small];
            size[small] = 0;
            alive[small] = false;
            aliveCount--;
            recomputeOne(rows, n, d, assign, centroids, target);
        }
    }

    /** Lloyd's assignment: every distance from row {@code off}, nearest first, ties to the lowest index. */
    private static int search(float[] rows, int off, double[] centroids, int k, int d) {
        int best = -1;
        double bestDist = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            double dd = dist2(rows, off, centroids, j * d, d);
            if (dd < bestDist) {
                bestDist = dd;
                best = j;
            }
        }
        return best;
    }

    /**
     * Lloyd's assignment of row i with Elkan's bounds: a centroid is skipped when its lower bound, or half its
     * distance from the row's centroid, proves it farther than the row's centroid by the margins {@link #SAFE} and
     * {@code slack}; every
     * other distance is computed as {@link #search} computes it, and ties go to the lowest index, so the answer is
     * {@link #search}'s. Tightens the row's bounds on the way.
     */
    static int elkan(float[] rows, int i, int d, double[] centroids, int k, int stride, int a, double[] upper,
                     double[] lower, double[] gaps, double[] halfGap, double slack) {
        if (upper[i] < halfGap[a] * SAFE - slack) {
            return a;
        }
        int off = i * d;
        int best = a;
        double bestD2 = Double.NaN; // the distance to a, once computed
        for (int j = 0; j < k; j++) {
            if (j == a) {
                continue;
            }
            double bound = Math.max(lower[i * stride + j], 0.5 * gaps[a * k + j]) * SAFE - slack;
            if (upper[i] < bound) {
                continue;
            }
            if (Double.isNaN(bestD2)) {
                bestD2 = dist2(rows, off, centroids, a * d, d);
                upper[i] = Math.sqrt(bestD2);
                lower[i * stride + a] = upper[i];
                if (upper[i] < bound) {
                    continue;
                }
            }
            double dd = dist2(rows, off, centroids, j * d, d);
            lower[i * stride + j] = Math.sqrt(dd);
            if (dd < bestD2 || (dd == bestD2 && j < best)) {
                best = j;
                bestD2 = dd;
            }
        }
        if (best != a) {
            upper[i] = Math.sqrt(bestD2);
        }
        return best;
    }

    /** Distances between centroids (k × k), and half the distance from each to its nearest other (infinite alone). */
    private static void gaps(double[] centroids, int k, int d, double[] gaps, double[] halfGap) {
        Arrays.fill(halfGap, Double.POSITIVE_INFINITY);
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double g = Math.sqrt(dist2(centroids, a * d, centroids, b * d, d));
                gaps[a * k + b] = g;
                gaps[b * k + a] = g;
                halfGap[a] = Math.min(halfGap[a], 0.5 * g);
                halfGap[b] = Math.min(halfGap[b], 0.5 * g);
            }
        }
    }

    /**
     * After the centroids moved: a row's distance to its own centroid grows by at most that centroid's move, and its
     * distance to any centroid shrinks by at most that centroid's move.
     */
    private static void drift(double[] previous, double[] centroids, int k, int stride, int d, int[] assign,
                              double[] upper, double[] lower, double[] moved) {
        for (int j = 0; j < k; j++) {
            moved[j] = Math.sqrt(dist2(centroids, j * d, previous, j * d, d));
        }
        for (int i = 0; i < assign.length; i++) {
            upper[i] += moved[assign[i]];
            for (int j = 0; j < k; j++) {
                lower[i * stride + j] -= moved[j];
            }
        }
    }

    private static void recompute(float[] rows, int n, int d, int[] assign, double[] centroids, int k) {
        double[] sum = new double[k * d];
        long[] cnt = new long[k];
        for (int i = 0; i < n; i++) {
            int a = assign[i];
            cnt[a]++;
            for (int t = 0; t < d; t++) {
                sum[a * d + t] += rows[i * d + t];
            }
        }
        for (int j = 0; j < k; j++) {
            if (cnt[j] > 0) { // an empty cluster keeps its centroid; the floor removes it
                for (int t = 0; t < d; t++) {
                    centroids[j * d + t] = sum[j * d + t] / cnt[j];
                }
            }
        }
    }

    private static void recomputeOne(float[] rows, int n, int d, int[] assign, double[] centroids, int j) {
        double[] sum = new double[d];
        long cnt = 0;
        for (int i = 0; i < n; i++) {
            if (assign[i] == j) {
                cnt++;
                for (int t = 0; t < d; t++) {
                    sum[t] += rows[i * d + t];
                }
            }
        }
        for (int t = 0; t < d; t++) {
            centroids[j * d + t] = sum[t] / cnt;
        }
    }

    /** Renumbers the non-empty clusters 0, 1, … in order of their old ids. */
    private static int[] compact(int[] assign, int k) {
        boolean[] used = new boolean[k];
        for (int a : assign) {
            used[a] = true;
        }
        int[] map = new int[k];
        int next = 0;
        for (int j = 0; j < k; j++) {
            map[j] = used[j] ? next++ : -1;
        }
        int[] out = new int[assign.length];
        for (int i = 0; i < assign.length; i++) {
            out[i] = map[assign[i]];
        }
        return out;
    }

    private static double dist2(float[] rows, int off, double[] c, int coff, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            double diff = rows[off + t] - c[coff + t];
            s += diff * diff;
        }
        return s;
    }

    /** The largest Euclidean norm of a row (the scale of the absolute slack). */
    private static double maxNorm(float[] rows, int n, int d) {
        double max = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int t = 0; t < d; t++) {
                s += (double) rows[i * d + t] * rows[i * d + t];
            }
            max = Math.max(max, s);
        }
        return Math.sqrt(max);
    }

    /** Squared distance between two points of double arrays (centroids). */
    private static double dist2(double[] a, int aoff, double[] b, int boff, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            double diff = a[aoff + t] - b[boff + t];
            s += diff * diff;
        }
        return s;
    }

    private static void copyRow(float[] rows, int i, int d, double[] c, int coff) {
        for (int t = 0; t < d; t++) {
            c[coff + t] = rows[i * d + t];
        }
    }
}
