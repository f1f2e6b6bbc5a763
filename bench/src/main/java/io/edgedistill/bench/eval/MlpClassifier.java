package io.edgedistill.bench.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The detector used by every method of the evaluation: a one-hidden-layer MLP d → h (ReLU) → C trained with
 * softmax cross-entropy and Adam on mini-batches, in plain Java (deterministic by seed, no native memory).
 * All parameters live in one flat array so that one-shot FedAvg can average models directly.
 *
 * <p>Layout of {@link #params()}: W1 (d×h, row-major), b1 (h), W2 (h×C), b2 (C).
 */
public final class MlpClassifier {
    private final int d;
    private final int h;
    private final int c;
    private final double[] p;

    /**
     * Training settings: steps = max(epochs·ceil(n/batch), minSteps); {@code inputNoise} adds Gaussian noise of
     * that standard deviation to the inputs at every step (0 = off).
     */
    public record TrainConfig(int epochs, int batch, double lr, double weightDecay, int minSteps, double inputNoise) {
        /** Defaults for a real (large) training set. */
        public static TrainConfig pooled() {
            return new TrainConfig(8, 128, 3e-3, 1e-5, 0, 0);
        }

        /**
         * Defaults for a small (synthetic or subset) training set: 400 Adam steps of batch 64, lr 1e-2, L2 3e-3.
         * The same recipe trains every small-set method (random subset, local-distill-merge, CollabDM, ours).
         * L2 was chosen among {1e-4, 3e-3, 1e-2} on single-seed runs of both data sets (stronger regularisation
         * helps every method trained on a few samples per class).
         */
        public static TrainConfig small() {
            return new TrainConfig(1, 64, 1e-2, 3e-3, 400, 0);
        }
    }

    /** A freshly initialised model (He-normal weights, zero biases) from a seed. */
    public MlpClassifier(int d, int h, int c, long seed) {
        this.d = d;
        this.h = h;
        this.c = c;
        this.p = new double[d * h + h + h * c + c];
        SplittableRandom r = new SplittableRandom(seed);
        double s1 = Math.sqrt(2.0 / d);
        double s2 = Math.sqrt(2.0 / h);
        for (int i = 0; i < d * h; i++) {
            p[i] = s1 * gauss(r);
        }
        int w2 = d * h + h;
        for (int i = 0; i < h * c; i++) {
            p[w2 + i] = s2 * gauss(r);
        }
    }

    private MlpClassifier(int d, int h, int c, double[] params) {
        this.d = d;
        this.h = h;
        this.c = c;
        this.p = params;
    }

    private static double gauss(SplittableRandom r) {
        double u1 = Math.max(1e-300, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    public MlpClassifier copy() {
        return new MlpClassifier(d, h, c, p.clone());
    }

    /** The parameters (backing array). */
    public double[] params() {
        return p;
    }

    public int numParams() {
        return p.length;
    }

    /** Bytes of the model as float32 weights. */
    public long sizeBytes() {
        return 4L * p.length;
    }

    /** Weighted average of models of the same shape (FedAvg). */
    public static MlpClassifier average(MlpClassifier[] models, double[] weights) {
        MlpClassifier first = models[0];
        double[] out = new double[first.p.length];
        double tot = 0;
        for (double w : weights) {
            tot += w;
        }
        for (int m = 0; m < models.length; m++) {
            double w = weights[m] / tot;
            double[] src = models[m].p;
            for (int i = 0; i < out.length; i++) {
                out[i] += w * src[i];
            }
        }
        return new MlpClassifier(first.d, first.h, first.c, out);
    }

    /**
     * Trains in place on {@code n} rows; the number of steps is max(epochs·ceil(n/batch), minSteps).
     *
     * @param sampleWeights per-row loss weights, or null
     */
    public void train(float[] x, int[] y, int n, float[] sampleWeights, TrainConfig cfg, long seed) {
        if (n == 0) {
            return;
        }
        int batch = Math.min(cfg.batch(), n);
        int perEpoch = (n + batch - 1) / batch;
        long steps = Math.max((long) cfg.epochs() * perEpoch, cfg.minSteps());
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        double[] g = new double[p.length];
        double b1 = 0.9;
        double b2 = 0.999;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        int pos = n;
        double[] hid = new double[h];
        double[] logits = new double[c];
        double[] dh = new double[h];
        float[] noisy = new float[d];
        int w2 = d * h + h;
        int bb2 = w2 + h * c;
        for (long t = 1; t <= steps; t++) {
            Arrays.fill(g, 0);
            double wsum = 0;
            for (int k = 0; k < batch; k++) {
                if (pos >= n) {
                    shuffle(order, r);
                    pos = 0;
                }
                int i = order[pos++];
                double sw = sampleWeights == null ? 1.0 : sampleWeights[i];
                wsum += sw;
                float[] xs = x;
                int xoff = i * d;
                if (cfg.inputNoise() > 0) {
                    for (int a = 0; a < d; a++) {
                        noisy[a] = (float) (x[i * d + a] + cfg.inputNoise() * gauss(r));
                    }
                    xs = noisy;
                    xoff = 0;
                }
                forward(xs, xoff, hid, logits);
                softmaxInPlace(logits);
                logits[y[i]] -= 1.0;
                for (int cc = 0; cc < c; cc++) {
                    logits[cc] *= sw;
                }
                // output layer grads
                Arrays.fill(dh, 0);
                for (int j = 0; j < h; j++) {
                    double hj = hid[j];
                    int row = w2 + j * c;
                    double acc = 0;
                    for (int cc = 0; cc < c; cc++) {
                        g[row + cc] += hj * logits[cc];
                        acc += p[row + cc] * logits[cc];
                    }
                    dh[j] = hj > 0 ? acc : 0;
                }
                for (int cc = 0; cc < c; cc++) {
                    g[bb2 + cc] += logits[cc];
                }
                // hidden layer grads
                for (int a = 0; a < d; a++) {
                    double xa = xs[xoff + a];
                    if (xa == 0) {
                        continue;
                    }
                    int row = a * h;
                    for (int j = 0; j < h; j++) {
                        g[row + j] += xa * dh[j];
                    }
                }
                int bb1 = d * h;
                for (int j = 0; j < h; j++) {
                    g[bb1 + j] += dh[j];
                }
            }
            double scale = 1.0 / Math.max(1e-12, wsum);
            double lrT = cfg.lr() * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            for (int q = 0; q < p.length; q++) {
                double gq = g[q] * scale + cfg.weightDecay() * p[q];
                m[q] = b1 * m[q] + (1 - b1) * gq;
                v[q] = b2 * v[q] + (1 - b2) * gq * gq;
                p[q] -= lrT * m[q] / (Math.sqrt(v[q]) + 1e-8);
            }
        }
    }

    private static void shuffle(int[] a, SplittableRandom r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private void forward(float[] x, int off, double[] hid, double[] logits) {
        int bb1 = d * h;
        for (int j = 0; j < h; j++) {
            hid[j] = p[bb1 + j];
        }
        for (int a = 0; a < d; a++) {
            double xa = x[off + a];
            if (xa == 0) {
                continue;
            }
            int row = a * h;
            for (int j = 0; j < h; j++) {
                hid[j] += xa * p[row + j];
            }
        }
        for (int j = 0; j < h; j++) {
            if (hid[j] < 0) {
                hid[j] = 0;
            }
        }
        int w2 = d * h + h;
        int bb2 = w2 + h * c;
        for (int cc = 0; cc < c; cc++) {
            logits[cc] = p[bb2 + cc];
        }
        for (int j = 0; j < h; j++) {
            double hj = hid[j];
            if (hj == 0) {
                continue;
            }
            int row = w2 + j * c;
            for (int cc = 0; cc < c; cc++) {
                logits[cc] += hj * p[row + cc];
            }
        }
    }

    private static void softmaxInPlace(double[] z) {
        double mx = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            mx = Math.max(mx, v);
        }
        double s = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.exp(z[i] - mx);
            s += z[i];
        }
        for (int i = 0; i < z.length; i++) {
            z[i] /= s;
        }
    }

    /** Class probabilities per row (n × c, row-major). */
    public double[] probabilities(float[] x, int n) {
        double[] out = new double[n * c];
        double[] hid = new double[h];
        double[] logits = new double[c];
        for (int i = 0; i < n; i++) {
            forward(x, i * d, hid, logits);
            softmaxInPlace(logits);
            System.arraycopy(logits, 0, out, i * c, c);
        }
        return out;
    }

    /** Predicted class per row. */
    public int[] predict(float[] x, int n) {
        return predict(x, n, null);
    }

    /**
     * Predicted class per row with an additive logit bias per class (e.g. log class priors for post-hoc logit
     * adjustment of a model trained on class-balanced data), or null.
     */
    public int[] predict(float[] x, int n, double[] logitBias) {
        int[] out = new int[n];
        double[] hid = new double[h];
        double[] logits = new double[c];
        for (int i = 0; i < n; i++) {
            forward(x, i * d, hid, logits);
            if (logitBias != null) {
                for (int cc = 0; cc < c; cc++) {
                    logits[cc] += logitBias[cc];
                }
            }
            int best = 0;
            for (int cc = 1; cc < c; cc++) {
                if (logits[cc] > logits[best]) {
                    best = cc;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
