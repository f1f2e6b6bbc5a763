package io.edgedistill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.edgedistill.core.nn.PortableWeights;
import io.edgedistill.core.nn.SplitMix64;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.util.AdamState;
import io.edgedistill.core.util.Autograd;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains {@link MlpModel}s on DJL with Adam(W): a teacher on a (synthetic) labelled set, and a small student
 * distilled from a teacher with soft-label KL at temperature T plus hard-label cross-entropy
 * ({@link DistillationLoss}). Deterministic initialisation (portable generator) and shuffling by seed.
 */
public final class MlpTrainer {
    private MlpTrainer() {
    }

    /**
     * Trains an MLP with hidden widths {@code hidden}.
     *
     * @param x           row-major inputs (n × d)
     * @param labels      hard labels (required when α &lt; 1)
     * @param softTargets class probabilities at temperature T (n × C), or null to train on hard labels only
     */
    public static MlpModel train(int[] hidden, float[] x, int n, int[] labels, float[] softTargets,
                                 int numClasses, TrainConfig cfg) {
        if (n <= 0 || x.length % n != 0) {
            throw new IllegalArgumentException("x must hold n rows");
        }
        int d = x.length / n;
        float alpha = softTargets == null ? 0f : (labels == null ? 1f : cfg.alpha());
        if (alpha < 1 && (labels == null || labels.length != n)) {
            throw new IllegalArgumentException("hard labels required");
        }
        if (softTargets != null && softTargets.length != n * numClasses) {
            throw new IllegalArgumentException("softTargets must be n*C");
        }
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = d;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = numClasses;
        return fit(sizes, null, x, n, labels, softTargets, alpha, cfg);
    }

    /**
     * Fine-tunes {@code start} (its architecture and weights as the starting point; the model itself is not changed)
     * on hard labels, e.g. a cohort's model from the global one. Shuffling by the config's seed.
     *
     * @param x      row-major inputs (n × d), d the model's input width
     * @param labels hard labels (n)
     */
    public static MlpModel fineTune(MlpModel start, float[] x, int n, int[] labels, TrainConfig cfg) {
        if (n <= 0 || x.length != n * start.inputDim() || labels.length != n) {
            throw new IllegalArgumentException("x must hold n rows of the model's input width, with n labels");
        }
        return fit(start.layerSizes(), start, x, n, labels, null, 0f, cfg);
    }

    /** Adam(W) over minibatches; the weights start from {@code from} when given, else from the seeded initialiser. */
    private static MlpModel fit(int[] sizes, MlpModel from, float[] x, int n, int[] labels, float[] softTargets,
                                float alpha, TrainConfig cfg) {
        int d = sizes[0];
        int numClasses = sizes[sizes.length - 1];
        int layers = sizes.length - 1;

        Autograd.LOCK.lock();
        try (NDManager base = NDManager.newBaseManager()) {
            NDArray[] w = new NDArray[layers];
            NDArray[] b = new NDArray[layers];
            List<AdamState> adams = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                float[] w0 = from != null ? from.weights(i) : PortableWeights.matrix(cfg.seed(), 1000, i, sizes[i],
                        sizes[i + 1], WeightInit.HE_UNIFORM);
                w[i] = base.create(w0, new Shape(sizes[i], sizes[i + 1]));
                b[i] = from != null ? base.create(from.biases(i), new Shape(sizes[i + 1])) : base.zeros(new Shape(sizes[i + 1]));
                w[i].setRequiresGradient(true);
                b[i].setRequiresGradient(true);
                adams.add(new AdamState(w[i]));
                adams.add(new AdamState(b[i]));
            }
            NDArray[] all = new NDArray[2 * layers];
            for (int i = 0; i < layers; i++) {
                all[2 * i] = w[i];
                all[2 * i + 1] = b[i];
            }
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            SplitMix64 rng = SplitMix64.keyed(cfg.seed(), 77);
            int bs = Math.min(cfg.batchSize(), n);
            for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
                shuffle(order, rng);
                for (int start = 0; start < n; start += bs) {
                    int rows = Math.min(bs, n - start);
                    float[] xb = new float[rows * d];
                    float[] yb = alpha < 1 ? new float[rows * numClasses] : null;
                    float[] sb = alpha > 0 ? new float[rows * numClasses] : null;
                    for (int r = 0; r < rows; r++) {
                        int i = order[start + r];
                        System.arraycopy(x, i * d, xb, r * d, d);
                        if (yb != null) {
                            yb[r * numClasses + labels[i]] = 1f;
                        }
                        if (sb != null) {
                            System.arraycopy(softTargets, i * numClasses, sb, r * numClasses, numClasses);
                        }
                    }
                    try (NDManager scratch = base.newSubManager()) {
                        scratch.tempAttachAll(all);
                        NDArray xa = scratch.create(xb, new Shape(rows, d));
                        NDArray ya = yb == null ? null : scratch.create(yb, new Shape(rows, numClasses));
                        NDArray sa = sb == null ? null : scratch.create(sb, new Shape(rows, numClasses));
                        try (GradientCollector gc = Autograd.collector()) {
                            NDArray logits = MlpModel.forward(xa, w, b);
                            gc.backward(DistillationLoss.loss(logits, sa, ya, cfg.temperature(), alpha));
                        }
                        for (AdamState a : adams) {
                            a.step(cfg.learningRate(), cfg.weightDecay(), scratch);
                        }
                        java.lang.ref.Reference.reachabilityFence(xa);
                        java.lang.ref.Reference.reachabilityFence(ya);
                        java.lang.ref.Reference.reachabilityFence(sa);
                    }
                }
            }
            float[][] wf = new float[layers][];
            float[][] bf = new float[layers][];
            for (int i = 0; i < layers; i++) {
                wf[i] = w[i].toFloatArray();
                bf[i] = b[i].toFloatArray();
            }
            adams.forEach(AdamState::close);
            java.lang.ref.Reference.reachabilityFence(w);
            java.lang.ref.Reference.reachabilityFence(b);
            java.lang.ref.Reference.reachabilityFence(all);
            return new MlpModel(sizes, wf, bf);
        } finally {
            Autograd.LOCK.unlock();
        }
    }

    /**
     * Distils a student from {@code teacher} on a transfer set: soft targets are the teacher's probabilities
     * at temperature T; with {@code hardLabels} the loss mixes in cross-entropy by 1 − α, without them it is
     * pure KD.
     */
    public static MlpModel distill(MlpModel teacher, int[] hidden, float[] transferX, int n, int[] hardLabels,
                                   TrainConfig cfg) {
        int c = teacher.numClasses();
        float[] logits = teacher.logits(transferX, n);
        float[] soft = new float[logits.length];
        float[] row = new float[c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(logits, i * c, row, 0, c);
            double[] p = DistillationLoss.softmax(row, cfg.temperature());
            for (int j = 0; j < c; j++) {
                soft[i * c + j] = (float) p[j];
            }
        }
        return train(hidden, transferX, n, hardLabels, soft, c, cfg);
    }

    private static void shuffle(int[] a, SplitMix64 rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = (int) Long.remainderUnsigned(rng.nextLong(), i + 1L);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
