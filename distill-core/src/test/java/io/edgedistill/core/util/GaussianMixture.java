package io.edgedistill.core.util;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small synthetic labelled data for tests: C Gaussian classes in d dims, plus a Dirichlet(β) edge split. */
public final class GaussianMixture {
    public final int numClasses;
    public final int dim;
    public final float[][] centres;
    public final double noise;

    public GaussianMixture(int numClasses, int dim, double separation, double noise, long seed) {
        this.numClasses = numClasses;
        this.dim = dim;
        this.noise = noise;
        Random r = new Random(seed);
        centres = new float[numClasses][dim];
        for (int c = 0; c < numClasses; c++) {
            for (int j = 0; j < dim; j++) {
                centres[c][j] = (float) (separation * r.nextGaussian());
            }
        }
    }

    /** A labelled sample set. */
    public record Data(float[] x, int[] y, int n) {
    }

    /** n samples with the given class per row. */
    public Data sample(int[] labels, long seed) {
        Random r = new Random(seed);
        int n = labels.length;
        float[] x = new float[n * dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                x[i * dim + j] = (float) (centres[labels[i]][j] + noise * r.nextGaussian());
            }
        }
        return new Data(x, labels.clone(), n);
    }

    /** n samples with balanced classes. */
    public Data balanced(int n, long seed) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % numClasses;
        }
        return sample(y, seed);
    }

    /**
     * Splits {@code perClass} samples of every class over {@code edges} edges by Dirichlet(β) proportions
     * (per class), then samples each edge's data.
     */
    public List<Data> dirichletEdges(int edges, int perClass, double beta, long seed) {
        Random r = new Random(seed);
        int[][] counts = new int[edges][numClasses];
        for (int c = 0; c < numClasses; c++) {
            double[] p = new double[edges];
            double s = 0;
            for (int e = 0; e < edges; e++) {
                p[e] = gamma(beta, r);
                s += p[e];
            }
            int assigned = 0;
            for (int e = 0; e < edges; e++) {
                int m = (int) Math.floor(perClass * p[e] / s);
                counts[e][c] = m;
                assigned += m;
            }
            counts[r.nextInt(edges)][c] += perClass - assigned;
        }
        List<Data> out = new ArrayList<>();
        for (int e = 0; e < edges; e++) {
            int total = 0;
            for (int c = 0; c < numClasses; c++) {
                total += counts[e][c];
            }
            int[] y = new int[total];
            int i = 0;
            for (int c = 0; c < numClasses; c++) {
                for (int m = 0; m < counts[e][c]; m++) {
                    y[i++] = c;
                }
            }
            out.add(sample(y, seed * 31 + e));
        }
        return out;
    }

    /** Marsaglia–Tsang gamma(shape, 1) sampler (with the shape&lt;1 boost). */
    static double gamma(double shape, Random r) {
        if (shape < 1) {
            return gamma(shape + 1, r) * Math.pow(r.nextDouble(), 1.0 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = r.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = r.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
