package io.edgedistill.core.synth;

import ai.djl.ndarray.NDArray;
import io.edgedistill.core.util.Autograd;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.nn.EmbeddingNetworks;

/**
 * The matching problem of one set against one round's targets: the targets gathered per matched column
 * (a block of the set, or a class) on the host, and, for the autograd path, on the device with the class
 * averaging. When the set is class-major with equal blocks per class (as {@link SetInitialiser} builds it)
 * the class means of ψ and of ψ² (and of x and x² with the input term) are reshapes + means over each
 * block, compared with {@code target1} / {@code target2} (and {@code inputMean} / {@code inputSecond});
 * otherwise the features [ψ, √λ·ψ²] are averaged by one matmul with an (m × C) averaging matrix and
 * compared with the concatenated {@code target} [μ̄, √λ·q̄].
 */
final class MatchingProblem {
    private final EmbeddingNetworks networks;
    final boolean useSecond;
    final float rootLambda;
    final int[] blockClasses;      // class of each block on the block path, else null
    final int width;
    final float inputWeight;
    final float[] hostTarget1;     // (K, e, columns), row-major
    final float[] hostTarget2;     // (K, e, columns), or null without the second-moment term
    final float[] hostInputMean;   // (columns, dIn), or null without the input term
    final float[] hostInputSecond; // (columns, dIn), or null
    // on the device (null when built for the host only)
    final EmbeddingNetworks.Loaded weights;
    final NDArray avg;          // (m, C) averaging matrix, or a scalar placeholder on the block path
    final NDArray target;       // (K, width, columns)
    final NDArray targetSecond; // unused placeholder kept for scope handling
    final NDArray target1;      // (K, e, columns): first-moment targets
    final NDArray target2;      // (K, e, columns): second-moment targets (unscaled), or a placeholder
    final NDArray inputMean;    // (columns, dIn): input-space mean targets, or null when the term is off
    final NDArray inputSecond;  // (columns, dIn): input-space second-moment targets, or null

    /**
     * The problem of {@code s} against {@code t}; with {@code onDevice} false only the host arrays (for
     * {@link #blockMatching}), else also the device arrays of {@link #loss} in {@code m}.
     */
    MatchingProblem(EmbeddingNetworks networks, SynthConfig config, NDManager m, TargetSnapshot t, DistilledSet s,
                    boolean onDevice) {
        this.networks = networks;
        if (t.dIn() != s.dIn() || t.numClasses() != s.numClasses() || t.k() != networks.spec().k()
                || t.embedDim() != networks.spec().embedDim()) {
            throw new IllegalArgumentException("targets, set and networks disagree on dimensions");
        }
        int numC = t.numClasses();
        int e = t.embedDim();
        int d = t.dIn();
        useSecond = t.secondMoments() != null && config.secondMomentWeight() > 0;
        rootLambda = (float) Math.sqrt(config.secondMomentWeight());
        width = useSecond ? 2 * e : e;
        blockClasses = blocks(t, s.labels());
        int[] columns;
        boolean[] active = new boolean[numC];
        float[] a = null; // (m, C) averaging matrix off the block path
        if (blockClasses != null) {
            columns = blockClasses;
            java.util.Arrays.fill(active, true);
        } else {
            columns = java.util.stream.IntStream.range(0, numC).toArray();
            int[] perClass = new int[numC];
            for (int y : s.labels()) {
                perClass[y]++;
            }
            a = new float[s.size() * numC];
            for (int i = 0; i < s.size(); i++) {
                int y = s.labels()[i];
                if (t.hasClass(y)) {
                    a[i * numC + y] = 1f / perClass[y];
                }
            }
            for (int c = 0; c < numC; c++) {
                active[c] = t.hasClass(c) && perClass[c] > 0; // else zero on both sides
            }
        }
        int cols = columns.length;
        hostTarget1 = new float[t.k() * e * cols];
        hostTarget2 = useSecond ? new float[t.k() * e * cols] : null;
        for (int net = 0; net < t.k(); net++) {
            for (int col = 0; col < cols; col++) {
                int c = columns[col];
                if (!active[c]) {
                    continue;
                }
                for (int j = 0; j < e; j++) {
                    hostTarget1[(net * e + j) * cols + col] = t.means()[t.index(net, c, j)];
                    if (useSecond) {
                        hostTarget2[(net * e + j) * cols + col] = t.secondMoments()[t.index(net, c, j)];
                    }
                }
            }
        }
        if (config.inputMomentWeight() > 0 && t.inputMeans() != null && t.inputSecondMoments() != null) {
            hostInputMean = new float[cols * d];
            hostInputSecond = new float[cols * d];
            for (int col = 0; col < cols; col++) {
                int c = columns[col];
                if (active[c]) {
                    System.arraycopy(t.inputMeans(), c * d, hostInputMean, col * d, d);
                    System.arraycopy(t.inputSecondMoments(), c * d, hostInputSecond, col * d, d);
                }
            }
            inputWeight = config.inputMomentWeight();
        } else {
            hostInputMean = null;
            hostInputSecond = null;
            inputWeight = 0f;
        }
        if (!onDevice) {
            weights = null;
            avg = null;
            target = null;
            targetSecond = null;
            target1 = null;
            target2 = null;
            inputMean = null;
            inputSecond = null;
            return;
        }
        weights = networks.load(m);
        avg = a == null ? m.create(0f) : m.create(a, new Shape(s.size(), numC));
        Shape targetShape = new Shape(t.k(), e, cols);
        target1 = m.create(hostTarget1, targetShape);
        targetSecond = m.create(0f);
        target2 = useSecond ? m.create(hostTarget2, targetShape) : targetSecond;
        target = useSecond ? target1.concat(target2.mul(rootLambda), 1) : target1;
        inputMean = hostInputMean == null ? null : m.create(hostInputMean, new Shape(cols, d));
        inputSecond = hostInputSecond == null ? null : m.create(hostInputSecond, new Shape(cols, d));
    }

    /** The loss with its hand-written gradient; only on the block path ({@code blockClasses != null}). */
    BlockMatching blockMatching(NDManager m, int blockSize) {
        return new BlockMatching(networks, m, hostTarget1, hostTarget2, rootLambda * rootLambda,
                hostInputMean, hostInputSecond, inputWeight, blockSize);
    }

    /** Classes of equal, contiguous, distinct blocks that all have targets; null if the set is not so. */
    static int[] blocks(TargetSnapshot t, int[] labels) {
        int m = labels.length;
        java.util.List<Integer> classes = new java.util.ArrayList<>();
        for (int i = 0; i < m; i++) {
            if (i == 0 || labels[i] != labels[i - 1]) {
                classes.add(labels[i]);
            }
        }
        int p = classes.size();
        if (p == 0 || m % p != 0 || classes.stream().distinct().count() != p) {
            return null;
        }
        int size = m / p;
        for (int b = 0; b < p; b++) {
            if (!t.hasClass(classes.get(b))) {
                return null;
            }
            for (int i = b * size; i < (b + 1) * size; i++) {
                if (labels[i] != classes.get(b)) {
                    return null;
                }
            }
        }
        return classes.stream().mapToInt(Integer::intValue).toArray();
    }

    NDArray loss(NDArray x) {
        NDArray emb = networks.forward(weights, x); // (K, e, m)
        if (blockClasses != null) {
            long m = x.getShape().get(0);
            int p = blockClasses.length;
            Shape blocks = new Shape(networks.spec().k(), networks.spec().embedDim(), p, m / p);
            NDArray l = emb.reshape(blocks).mean(new int[] {3}).sub(target1).square().sum();
            if (useSecond) {
                NDArray q = emb.square().reshape(blocks).mean(new int[] {3}).sub(target2).square().sum();
                l = l.add(q.mul(Autograd.scalar(q, rootLambda * rootLambda)));
            }
            if (inputMean != null) { // class means of x and x² over the blocks: (p, dIn)
                NDArray xb = x.reshape(new Shape(p, m / p, x.getShape().get(1)));
                l = l.add(inputTerm(xb.mean(new int[] {1}), xb.square().mean(new int[] {1})));
            }
            return l;
        }
        NDArray feats = useSecond ? emb.concat(emb.square().mul(Autograd.scalar(emb, rootLambda)), 1) : emb; // (K, width, m)
        NDArray l = feats.matMul(avg).sub(target).square().sum(); // (K, width, C)
        if (inputMean != null) { // (C, dIn) class means through the averaging matrix
            NDArray avgT = avg.transpose();
            l = l.add(inputTerm(avgT.matMul(x), avgT.matMul(x.square())));
        }
        return l;
    }

    /** w·(‖mean − μ_in‖² + λ‖second − q_in‖²) over the matched classes. */
    NDArray inputTerm(NDArray mean, NDArray second) {
        NDArray a = mean.sub(inputMean).square().sum();
        NDArray b = second.sub(inputSecond).square().sum();
        float lambda = useSecond ? rootLambda * rootLambda : 0f;
        return a.add(b.mul(Autograd.scalar(b, lambda))).mul(Autograd.scalar(a, inputWeight));
    }
}
