package io.edgedistill.processor.scoring;

import io.edgedistill.core.model.MlpModel;

/**
 * Batched forward pass of a distill-core {@link MlpModel} for scoring: one pass over a whole batch, layer by
 * layer (row-major GEMM, i-k-j order so the JIT vectorises the inner loop), ReLU between layers, softmax at
 * the end. For the small edge models (d_in → 32 → 9: ~2.7k multiply-adds per flow) the per-call cost of the
 * tensor engine (JNI, array creation, copies) dominates, so models up to {@link #JAVA_MAX_PARAMS}
 * parameters run here; larger ones go to {@link MlpModel#predictProba} (DJL, batched as well). Tests check
 * both paths agree.
 */
public final class BatchedMlp {
    /** Models with more parameters than this are evaluated by DJL. */
    public static final long JAVA_MAX_PARAMS = 1_000_000;

    private final MlpModel model;
    private final int[] sizes;
    private final float[][] w;
    private final float[][] b;
    private final boolean useJava;

    public BatchedMlp(MlpModel model) {
        this(model, model.parameterCount() <= JAVA_MAX_PARAMS);
    }

    public BatchedMlp(MlpModel model, boolean useJava) {
        this.model = model;
        this.sizes = model.layerSizes();
        this.w = new float[model.numLayers()][];
        this.b = new float[model.numLayers()][];
        for (int i = 0; i < model.numLayers(); i++) {
            w[i] = model.weights(i);
            b[i] = model.biases(i);
        }
        this.useJava = useJava;
    }

    public boolean usesJava() {
        return useJava;
    }

    /** Class probabilities, row-major (n × C). */
    public float[] probabilities(float[] x, int n) {
        if (!useJava) {
            return model.predictProba(x, n);
        }
        float[] h = x;
        for (int layer = 0; layer < w.length; layer++) {
            int in = sizes[layer];
            int out = sizes[layer + 1];
            float[] next = new float[n * out];
            float[] wl = w[layer];
            float[] bl = b[layer];
            boolean relu = layer < w.length - 1;
            for (int i = 0; i < n; i++) {
                int o = i * out;
                System.arraycopy(bl, 0, next, o, out);
                int hi = i * in;
                for (int k = 0; k < in; k++) {
                    float v = h[hi + k];
                    if (v == 0f) {
                        continue;
                    }
                    int wk = k * out;
                    for (int j = 0; j < out; j++) {
                        next[o + j] += v * wl[wk + j];
                    }
                }
                if (relu) {
                    for (int j = 0; j < out; j++) {
                        if (next[o + j] < 0f) {
                            next[o + j] = 0f;
                        }
                    }
                }
            }
            h = next;
        }
        int c = sizes[sizes.length - 1];
        for (int i = 0; i < n; i++) {
            int o = i * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, h[o + j]);
            }
            float sum = 0f;
            for (int j = 0; j < c; j++) {
                float e = (float) Math.exp(h[o + j] - max);
                h[o + j] = e;
                sum += e;
            }
            for (int j = 0; j < c; j++) {
                h[o + j] /= sum;
            }
        }
        return h;
    }
}
