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
 * <p>Lloyd's iterations skip the distances that cannot change an assignment (Hamerly's bounds: a row whose
 * distance to its centroid is below half the gap from that centroid to the next one, or below a lower bound of its
 * distance to every other centroid, keeps its centroid). The assignments are exactly Lloyd's: a row is searched in
 * full, in the same order and with the same ties, whenever the bounds do not prove the answer with a wide margin.
 * An edge with many rows spends most of its summary here.
 */
final class FlooredKMeans {
    /**
     * A row keeps its centroid without a search only when its bounds prove it nearest by this relative margin, far
     * beyond the rounding of the bounds, so that the pruning never changes an assignment.
     */
    private static final double SAFE = 1 - 1e-9;
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
        int k = Math.max(1, Math.min(maxClusters, n / kMin));
        double[] centroids = plusPlus(rows, n, d, k, rng);
        k = centroids.length / d;
        int[] assign = new int[n];
        Arrays.fill(assign, -1);
        double[] upper = new double[n];
        double[] lower = new double[n];
        double[] halfGap = new double[k];
        double[] previous = new double[k * d];
        for (int it = 0; it < maxIterations; it++) {
            if (it > 0) {
                halfGaps(centroids, k, d, halfGap);
            }
            int changed = 0;
            for (int i = 0; i < n; i++) {
                int a = assign[i];
                if (prune && a >= 0) {
                    double bound = Math.max(halfGap[a], lower[i]) * SAFE;
                    if (upper[i] < bound) {
                        continue;
                    }
                    upper[i] = Math.sqrt(dist2(rows, i * d, centroids, a * d, d));
                    if (upper[i] < bound) {
                        continue;
                    }
                }
                int best = search(rows, i * d, centroids, k, d, upper, lower, i);
                if (best != a) {
                    assign[i] = best;
                    changed++;
                }
            }
            System.arraycopy(centroids, 0, previous, 0, k * d);
            recompute(rows, n, d, assign, centroids, k);
            if (changed == 0) {
                break;
            }
            drift(previous, centroids, k, d, assign, upper, lower);
        }
        enforceFloor(rows, n, d, assign, centroids, k);
        return compact(assign, k);
    }

    /** k-means++ seeding; returns fewer than k centroids when the rows hold fewer distinct points. */
    private static double[] plusPlus(float[] rows, int n, int d, int k, SplitMix64 rng) {
        double[] c = new double[k * d];
        int first = (int) Math.min(n - 1, (long) (rng.nextDouble() * n));
        copyRow(rows, first, d, c, 0);
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d2[i] = dist2(rows, i * d, c, 0, d);
        }
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
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], dist2(rows, i * d, c, have * d, d));
            }
            have++;
        }
        return have == k ? c : Arrays.copyOf(c, have * d);
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
                    double dd = 0;
                    for (int t = 0; t < d; t++) {
                        double diff = centroids[small * d + t] - centroids[j * d + t];
                        dd += diff * diff;
                    }
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

    /**
     * Lloyd's assignment: every distance from row {@code off}, nearest first, ties to the lowest index. Leaves the
     * distances to the nearest and to the second nearest centroid in {@code upper[i]} and {@code lower[i]}.
     */
    private static int search(float[] rows, int off, double[] centroids, int k, int d, double[] upper,
                              double[] lower, int i) {
        int best = -1;
        double first = Double.POSITIVE_INFINITY;
        double second = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            double dd = dist2(rows, off, centroids, j * d, d);
            if (dd < first) {
                second = first;
                first = dd;
                best = j;
            } else if (dd < second) {
                second = dd;
            }
        }
        upper[i] = Math.sqrt(first);
        lower[i] = Math.sqrt(second);
        return best;
    }

    /** Half the distance from each centroid to its nearest other centroid (infinite when there is none). */
    private static void halfGaps(double[] centroids, int k, int d, double[] halfGap) {
        Arrays.fill(halfGap, Double.POSITIVE_INFINITY);
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double dd = 0;
                for (int t = 0; t < d; t++) {
                    double diff = centroids[a * d + t] - centroids[b * d + t];
                    dd += diff * diff;
                }
                double half = 0.5 * Math.sqrt(dd);
                halfGap[a] = Math.min(halfGap[a], half);
                halfGap[b] = Math.min(halfGap[b], half);
            }
        }
    }

    /**
     * After the centroids moved: a row's distance to its own centroid grows by at most that centroid's move, and its
     * distance to any other centroid shrinks by at most the largest move among the others.
     */
    private static void drift(double[] previous, double[] centroids, int k, int d, int[] assign, double[] upper,
                              double[] lower) {
        double[] moved = new double[k];
        int top = 0;
        for (int j = 0; j < k; j++) {
            double dd = 0;
            for (int t = 0; t < d; t++) {
                double diff = centroids[j * d + t] - previous[j * d + t];
                dd += diff * diff;
            }
            moved[j] = Math.sqrt(dd);
            top = moved[j] > moved[top] ? j : top;
        }
        double runnerUp = 0;
        for (int j = 0; j < k; j++) {
            if (j != top) {
                runnerUp = Math.max(runnerUp, moved[j]);
            }
        }
        for (int i = 0; i < assign.length; i++) {
            int a = assign[i];
            upper[i] += moved[a];
            lower[i] -= a == top ? runnerUp : moved[top];
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

    private static void copyRow(float[] rows, int i, int d, double[] c, int coff) {
        for (int t = 0; t < d; t++) {
            c[coff + t] = rows[i * d + t];
        }
    }
}
