package io.edgedistill.console.view;

import java.util.Arrays;

/**
 * Principal component analysis to two dimensions, for the page's picture of a synthetic set: rows are centred, the
 * covariance's two leading eigenvectors are found by power iteration with deflation (the feature spaces are small,
 * tens of columns), and every row is projected on them. Deterministic.
 */
public final class Projection {

    /**
     * @param points    n × 2 coordinates
     * @param explained the share of the total variance along each axis
     */
    public record Result(double[][] points, double[] explained) {
    }

    private Projection() {
    }

    public static Result pca(float[][] rows) {
        int n = rows.length;
        if (n == 0) {
            return new Result(new double[0][], new double[] {0, 0});
        }
        int d = rows[0].length;
        double[] mean = new double[d];
        for (float[] r : rows) {
            if (r.length != d) {
                throw new IllegalArgumentException("rows of different widths: " + d + " and " + r.length);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / (double) n;
            }
        }
        double[][] cov = new double[d][d];
        double[] x = new double[d];
        for (float[] r : rows) {
            for (int j = 0; j < d; j++) {
                x[j] = r[j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                if (x[a] == 0) {
                    continue;
                }
                for (int b = a; b < d; b++) {
                    cov[a][b] += x[a] * x[b];
                }
            }
        }
        double total = 0;
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= Math.max(1, n - 1);
                cov[b][a] = cov[a][b];
            }
            total += cov[a][a];
        }
        double[][] axes = new double[2][];
        double[] explained = new double[2];
        for (int k = 0; k < 2; k++) {
            double[] v = leading(cov, k);
            double lambda = rayleigh(cov, v);
            axes[k] = v;
            explained[k] = total > 0 ? Math.max(0, lambda) / total : 0;
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a][b] -= lambda * v[a] * v[b];
                }
            }
        }
        double[][] points = new double[n][2];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (rows[i][j] - mean[j]) * axes[k][j];
                }
                points[i][k] = s;
            }
        }
        return new Result(points, explained);
    }

    /** The leading eigenvector of a symmetric matrix, by power iteration from a fixed start. */
    private static double[] leading(double[][] m, int salt) {
        int d = m.length;
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = 1.0 + ((j * 31 + salt * 17) % 7) / 10.0;
        }
        normalise(v);
        double[] w = new double[d];
        for (int it = 0; it < 300; it++) {
            Arrays.fill(w, 0);
            for (int a = 0; a < d; a++) {
                double s = 0;
                for (int b = 0; b < d; b++) {
                    s += m[a][b] * v[b];
                }
                w[a] = s;
            }
            if (normalise(w) == 0) {
                return v;
            }
            double delta = 0;
            for (int j = 0; j < d; j++) {
                delta += Math.abs(w[j] - v[j]);
            }
            System.arraycopy(w, 0, v, 0, d);
            if (delta < 1e-10) {
                break;
            }
        }
        return v;
    }

    private static double rayleigh(double[][] m, double[] v) {
        double s = 0;
        for (int a = 0; a < v.length; a++) {
            for (int b = 0; b < v.length; b++) {
                s += v[a] * m[a][b] * v[b];
            }
        }
        return s;
    }

    private static double normalise(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        if (n > 0) {
            for (int j = 0; j < v.length; j++) {
                v[j] /= n;
            }
        }
        return n;
    }
}
