package io.edgedistill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * A trained MLP classifier d_in → h_1 → … → C with ReLU between layers (logits out). Plain-Java weights,
 * immutable; prediction runs batched on DJL. Weight i is row-major (layerSizes[i] × layerSizes[i+1]).
 */
public final class MlpModel {
    private static final int CHUNK = 8192;
    private final int[] layerSizes;
    private final float[][] weights;
    private final float[][] biases;

    /** Wraps weights (copied defensively). */
    public MlpModel(int[] layerSizes, float[][] weights, float[][] biases) {
        if (layerSizes.length < 2 || weights.length != layerSizes.length - 1 || biases.length != weights.length) {
            throw new IllegalArgumentException("need L+1 layer sizes for L weight matrices and biases");
        }
        for (int i = 0; i < weights.length; i++) {
            if (layerSizes[i] <= 0 || layerSizes[i + 1] <= 0
                    || weights[i].length != layerSizes[i] * layerSizes[i + 1]
                    || biases[i].length != layerSizes[i + 1]) {
                throw new IllegalArgumentException("layer " + i + " has inconsistent shape");
            }
        }
        this.layerSizes = layerSizes.clone();
        this.weights = Arrays.stream(weights).map(float[]::clone).toArray(float[][]::new);
        this.biases = Arrays.stream(biases).map(float[]::clone).toArray(float[][]::new);
    }

    /**
     * An untrained network: Gaussian weights (standard deviation {@code scale}), zero biases, from {@code seed}. What a
     * model that has learnt nothing looks like (integrity checks, deliberately bad canaries in tests).
     */
    public static MlpModel random(int[] layerSizes, double scale, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int layers = layerSizes.length - 1;
        float[][] w = new float[layers][];
        float[][] b = new float[layers][];
        for (int i = 0; i < layers; i++) {
            w[i] = new float[layerSizes[i] * layerSizes[i + 1]];
            for (int j = 0; j < w[i].length; j++) {
                w[i][j] = (float) (r.nextGaussian() * scale);
            }
            b[i] = new float[layerSizes[i + 1]];
        }
        return new MlpModel(layerSizes, w, b);
    }

    /** Layer sizes including input and output. */
    public int[] layerSizes() {
        return layerSizes.clone();
    }

    /** Number of weight layers. */
    public int numLayers() {
        return weights.length;
    }

    /** Copy of weight matrix i. */
    public float[] weights(int i) {
        return weights[i].clone();
    }

    /** Copy of bias vector i. */
    public float[] biases(int i) {
        return biases[i].clone();
    }

    /** Input dimension. */
    public int inputDim() {
        return layerSizes[0];
    }

    /** Number of classes. */
    public int numClasses() {
        return layerSizes[layerSizes.length - 1];
    }

    /** Number of parameters. */
    public long parameterCount() {
        long p = 0;
        for (int i = 0; i < weights.length; i++) {
            p += weights[i].length + biases[i].length;
        }
        return p;
    }

    /** Size of the weights in bytes (float32). */
    public long sizeBytes() {
        return 4 * parameterCount();
    }

    /** Logits (n × C, row-major) for n rows of x. */
    public float[] logits(float[] x, int n) {
        return run(x, n, false);
    }

    /** Class probabilities (n × C, row-major). */
    public float[] predictProba(float[] x, int n) {
        return run(x, n, true);
    }

    /** Arg-max class per row. */
    public int[] predict(float[] x, int n) {
        float[] p = logits(x, n);
        int c = numClasses();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (p[i * c + j] > p[i * c + best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private float[] run(float[] x, int n, boolean softmax) {
        int d = inputDim();
        if ((long) n * d != x.length) {
            throw new IllegalArgumentException("x must have n*inputDim values");
        }
        int c = numClasses();
        float[] out = new float[n * c];
        try (NDManager base = NDManager.newBaseManager()) {
            NDArray[] w = new NDArray[weights.length];
            NDArray[] b = new NDArray[weights.length];
            for (int i = 0; i < weights.length; i++) {
                w[i] = base.create(weights[i], new Shape(layerSizes[i], layerSizes[i + 1]));
                b[i] = base.create(biases[i]);
            }
            for (int start = 0; start < n; start += CHUNK) {
                int rows = Math.min(CHUNK, n - start);
                try (NDManager m = base.newSubManager()) {
                    float[] xs = (start == 0 && rows == n) ? x : Arrays.copyOfRange(x, start * d, (start + rows) * d);
                    NDArray h = forward(m.create(xs, new Shape(rows, d)), w, b);
                    if (softmax) {
                        h = h.softmax(1);
                    }
                    System.arraycopy(h.toFloatArray(), 0, out, start * c, rows * c);
                }
            }
        }
        return out;
    }

    /** Differentiable forward pass: x (n, d) → logits (n, C); results attach to x's manager. */
    static NDArray forward(NDArray x, NDArray[] w, NDArray[] b) {
        NDArray h = x;
        for (int i = 0; i < w.length; i++) {
            h = h.matMul(w[i]).add(b[i]);
            if (i < w.length - 1) {
                h = ai.djl.nn.Activation.relu(h);
            }
        }
        return h;
    }
}
