package io.edgedistill.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The K seeded random embedding networks of one round, ψ_k(x) = act(act(x · W1_k) · W2_k), evaluated all at
 * once: layer 1 of all K networks is a single GEMM X (n×d_in) · [W1_1 … W1_K] (d_in×K·h), layer 2 a batched
 * matmul (K × n×h · h×e). Weights come from {@link PortableWeights} and are bit-identical everywhere.
 *
 * <p>On the engine the pass runs feature-major, which needs no transposes or copies anywhere (forward or
 * backward): Z1ᵀ = [W1_1 … W1_K]ᵀ · Xᵀ is one GEMM whose (K·h, n) result is already the (K, h, n) batch of
 * layer 2, and layer 2 is the batched matmul W2_kᵀ · H1_k → (K, e, n). Per-class statistics are then one more
 * matmul with an (n, C) matrix.
 *
 * <p>Thread-safe (immutable). DJL methods leave every intermediate array in the manager of the input.
 */
public final class EmbeddingNetworks {
    private final EmbeddingSpec spec;
    private final float[] w1cat; // (dIn, K*hidden): column block k is W1_k
    private final float[] w2;    // (K, hidden, embedDim)
    private final float[] w1t;   // (K*hidden, dIn): engine layout, precomputed once
    private final float[] w2t;   // (K, embedDim, hidden): engine layout, precomputed once

    /** Generates the weights of all K networks of {@code spec}. */
    public EmbeddingNetworks(EmbeddingSpec spec) {
        this.spec = spec;
        int k = spec.k();
        int d = spec.dIn();
        int h = spec.hidden();
        int e = spec.embedDim();
        this.w1cat = new float[d * k * h];
        this.w2 = new float[k * h * e];
        for (int net = 0; net < k; net++) {
            float[] a = PortableWeights.matrix(spec.seed(), net, 0, d, h, spec.init());
            for (int i = 0; i < d; i++) {
                System.arraycopy(a, i * h, w1cat, i * k * h + net * h, h);
            }
            float[] b = PortableWeights.matrix(spec.seed(), net, 1, h, e, spec.init());
            System.arraycopy(b, 0, w2, net * h * e, h * e);
        }
        this.w1t = new float[k * h * d];
        for (int i = 0; i < d; i++) {
            for (int c = 0; c < k * h; c++) {
                w1t[c * d + i] = w1cat[i * k * h + c];
            }
        }
        this.w2t = new float[k * e * h];
        for (int net = 0; net < k; net++) {
            for (int t = 0; t < h; t++) {
                for (int j = 0; j < e; j++) {
                    w2t[(net * e + j) * h + t] = w2[(net * h + t) * e + j];
                }
            }
        }
    }

    /** The spec these networks were built from. */
    public EmbeddingSpec spec() {
        return spec;
    }

    /** Copy of the concatenated first-layer weights, shape (dIn, K·hidden), row-major. */
    public float[] layer1Weights() {
        return w1cat.clone();
    }

    /** Copy of the stacked second-layer weights, shape (K, hidden, embedDim), row-major. */
    public float[] layer2Weights() {
        return w2.clone();
    }

    /** Loads the weights into {@code manager}; close the manager (or the returned arrays) to free them. */
    public Loaded load(NDManager manager) {
        NDArray a = manager.create(w1t, new Shape((long) spec.k() * spec.hidden(), spec.dIn()));
        NDArray b = manager.create(w2t, new Shape(spec.k(), spec.embedDim(), spec.hidden()));
        return new Loaded(a, b);
    }

    /**
     * Forward pass of all K networks, feature-major (differentiable w.r.t. {@code x}).
     *
     * @param w weights from {@link #load}
     * @param x inputs, shape (n, dIn), float32
     * @return embeddings, shape (K, embedDim, n), attached to the manager of {@code x}
     */
    public NDArray forward(Loaded w, NDArray x) {
        long n = x.getShape().get(0);
        NDManager scope = x.getManager();
        NDArray z1 = w.w1t().matMul(x.transpose()); // (K*h, n): one GEMM for all K first layers
        z1.attach(scope);
        NDArray h1 = spec.activation().apply(z1).reshape(spec.k(), spec.hidden(), n); // (K, h, n), a view
        NDArray z2 = w.w2t().batchMatMul(h1); // (K, e, n)
        z2.attach(scope);
        return spec.activation().apply(z2);
    }

    /**
     * Array-level forward pass.
     *
     * @param x row-major inputs, n × dIn
     * @param n number of rows
     * @return embeddings, row-major (K, n, embedDim)
     */
    public float[] embed(float[] x, int n) {
        checkInput(x, n);
        try (NDManager m = NDManager.newBaseManager()) {
            Loaded w = load(m);
            return forward(w, m.create(x, new Shape(n, spec.dIn()))).transpose(0, 2, 1).toFloatArray();
        }
    }

    /** Plain-Java reference of {@link #embed} (slow; for tests and cross-checks). */
    public float[] embedReference(float[] x, int n) {
        checkInput(x, n);
        int k = spec.k();
        int d = spec.dIn();
        int h = spec.hidden();
        int e = spec.embedDim();
        float[] out = new float[k * n * e];
        double[] hid = new double[h];
        for (int net = 0; net < k; net++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < h; j++) {
                    double s = 0;
                    for (int t = 0; t < d; t++) {
                        s += (double) x[i * d + t] * w1cat[t * k * h + net * h + j];
                    }
                    hid[j] = spec.activation().apply((float) s);
                }
                for (int j = 0; j < e; j++) {
                    double s = 0;
                    for (int t = 0; t < h; t++) {
                        s += hid[t] * w2[net * h * e + t * e + j];
                    }
                    out[(net * n + i) * e + j] = spec.activation().apply((float) s);
                }
            }
        }
        return out;
    }

    private void checkInput(float[] x, int n) {
        if ((long) n * spec.dIn() != x.length) {
            throw new IllegalArgumentException("x has " + x.length + " values, expected n*dIn = " + n + "*"
                    + spec.dIn());
        }
    }

    /**
     * Weights of all K networks in one NDManager, transposed for the feature-major pass.
     *
     * @param w1t (K·hidden, dIn): the concatenated first layers, transposed
     * @param w2t (K, embedDim, hidden): the second layers, each transposed
     */
    public record Loaded(NDArray w1t, NDArray w2t) implements AutoCloseable {
        @Override
        public void close() {
            w1t.close();
            w2t.close();
        }
    }
}
