package io.edgedistill.core.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.nn.SplitMix64;
import io.edgedistill.core.util.AdamState;
import io.edgedistill.core.util.Autograd;
import java.util.Optional;

/**
 * Distribution matching (Zhao &amp; Bilen 2023; DESIGN §3.4): finds S_c (IPC samples per class) minimising
 * L(S) = Σ_c Σ_k ‖μ̄_{k,c} − mean_{s∈S_c} ψ_k(s)‖² + λ·Σ_c Σ_k ‖q̄_{k,c} − mean_{s∈S_c} ψ_k(s)²‖², with Adam,
 * all K networks and all classes in one batched forward/backward pass under DJL autograd
 * ({@link GradientCollector}): the (K, e, m) embeddings of the set come from one GEMM and one batched matmul,
 * per-class means are a reshape + mean over the class-major blocks. Runs on DJL's default device (GPU when
 * present). {@link #run} returns the best iterate it saw, so a warm start never returns a set worse than its
 * origin. Optimisations are serialised JVM-wide by {@link Autograd#LOCK} (DJL allows one gradient collector
 * at a time).
 *
 * <p>Initialisation uses summary information only: the per-class input-space mean and variance of the
 * targets when the round carries them (class-conditional Gaussian), else standard normal noise. Never raw
 * edge data. Classes absent from the targets get no samples.
 */
public final class SyntheticSetOptimizer {
    private final EmbeddingNetworks networks;
    private final SynthConfig config;

    /** Optimiser over the given round's networks. */
    public SyntheticSetOptimizer(EmbeddingNetworks networks, SynthConfig config) {
        this.networks = networks;
        this.config = config;
    }

    /** The configuration. */
    public SynthConfig config() {
        return config;
    }

    /** Fresh set: initialise from the targets, then {@code config.steps()} Adam steps. */
    public SyntheticSet optimise(TargetSnapshot targets) {
        return run(targets, initialise(targets), config.steps());
    }

    /** Warm start from {@code current} for at most {@code config.warmSteps()} steps. */
    public SyntheticSet warmStart(TargetSnapshot targets, SyntheticSet current) {
        return run(targets, current, config.warmSteps());
    }

    /**
     * Returns {@code candidate} if it matches {@code targets} better than {@code live} by at least the
     * relative margin {@code minRelativeGain} (both re-evaluated on the same targets), else empty.
     */
    public Optional<SyntheticSet> publishIfBetter(TargetSnapshot targets, SyntheticSet candidate,
                                                  SyntheticSet live, double minRelativeGain) {
        double c = loss(targets, candidate);
        if (live == null) {
            return Optional.of(relabel(candidate, c));
        }
        double l = loss(targets, live);
        return c < l * (1 - minRelativeGain) ? Optional.of(relabel(candidate, c)) : Optional.empty();
    }

    private static SyntheticSet relabel(SyntheticSet s, double loss) {
        return new SyntheticSet(s.numClasses(), s.dIn(), s.ipc(), s.x(), s.labels(), s.softLabels(), loss,
                s.steps());
    }

    /** Initial set from summary information (class-conditional Gaussian in input space, or noise). */
    public SyntheticSet initialise(TargetSnapshot t) {
        int d = t.dIn();
        int present = 0;
        for (int c = 0; c < t.numClasses(); c++) {
            present += t.hasClass(c) ? 1 : 0;
        }
        int m = present * config.ipc();
        float[] x = new float[m * d];
        int[] labels = new int[m];
        int row = 0;
        for (int c = 0; c < t.numClasses(); c++) {
            if (!t.hasClass(c)) {
                continue;
            }
            SplitMix64 rng = SplitMix64.keyed(config.seed(), c, 0x5e7);
            for (int i = 0; i < config.ipc(); i++, row++) {
                labels[row] = c;
                for (int j = 0; j < d; j++) {
                    double mean = 0;
                    double std = 1;
                    if (t.inputMeans() != null) {
                        mean = t.inputMeans()[c * d + j];
                        std = Math.sqrt(Math.max(1e-6, t.inputSecondMoments()[c * d + j] - mean * mean));
                    }
                    x[row * d + j] = (float) (mean + std * rng.nextGaussian());
                }
            }
        }
        return new SyntheticSet(t.numClasses(), d, config.ipc(), x, labels, null, Double.NaN, 0);
    }

    /** Matching loss of {@code s} against {@code targets} (no optimisation). */
    public double loss(TargetSnapshot targets, SyntheticSet s) {
        try (NDManager m = NDManager.newBaseManager()) {
            Problem p = new Problem(m, targets, s);
            return p.loss(m.create(s.x(), new Shape(s.size(), s.dIn()))).getFloat();
        }
    }

    /**
     * Runs {@code steps} Adam steps from {@code init}; returns the best iterate seen (so a warm start never
     * returns a set worse than its origin) and its loss.
     */
    public SyntheticSet run(TargetSnapshot targets, SyntheticSet init, int steps) {
        Autograd.LOCK.lock();
        try (NDManager base = NDManager.newBaseManager()) {
            Problem p = new Problem(base, targets, init);
            NDArray x = base.create(init.x(), new Shape(init.size(), init.dIn()));
            x.setRequiresGradient(true);
            NDArray best = null; // best iterate so far, on the device (null = init)
            double bestLoss = Double.POSITIVE_INFINITY;
            try (AdamState adam = new AdamState(x)) {
                for (int step = 0; step < steps; step++) {
                    try (NDManager scratch = base.newSubManager()) {
                        scratch.tempAttachAll(x, p.avg, p.target, p.targetSecond);
                        float current;
                        try (GradientCollector gc = Autograd.collector()) {
                            NDArray loss = p.loss(x);
                            gc.backward(loss);
                            current = loss.getFloat();
                        }
                        if (current < bestLoss) { // loss of x before this update
                            bestLoss = current;
                            if (best != null) {
                                best.close();
                            }
                            best = x.duplicate();
                            best.attach(base);
                        }
                        adam.step(config.learningRate(), 0f, scratch);
                    }
                }
            }
            float finalLoss = p.loss(x).getFloat();
            float[] out;
            if (finalLoss <= bestLoss || best == null) {
                out = x.toFloatArray();
                bestLoss = finalLoss;
            } else {
                out = best.toFloatArray();
            }
            return new SyntheticSet(init.numClasses(), init.dIn(), init.ipc(), out, init.labels(),
                    init.softLabels(), bestLoss, init.steps() + steps);
        } finally {
            Autograd.LOCK.unlock();
        }
    }

    /**
     * Soft labels from summaries only: for each sample, softmax over classes of −‖ψ(s) − μ̄_c‖² / (T·scale),
     * summed over the K networks, where scale is the mean squared distance between the sample's embedding
     * and the class targets (so T is dimensionless). Absent classes get probability 0.
     */
    public SyntheticSet withSoftLabels(TargetSnapshot t, SyntheticSet s, float temperature) {
        int k = t.k();
        int e = t.embedDim();
        int numC = t.numClasses();
        float[] emb = networks.embed(s.x(), s.size()); // (K, m, e)
        float[] soft = new float[s.size() * numC];
        double[] dist = new double[numC];
        for (int i = 0; i < s.size(); i++) {
            double mean = 0;
            int present = 0;
            for (int c = 0; c < numC; c++) {
                if (!t.hasClass(c)) {
                    continue;
                }
                double d2 = 0;
                for (int net = 0; net < k; net++) {
                    for (int j = 0; j < e; j++) {
                        double diff = emb[(net * s.size() + i) * e + j] - t.means()[t.index(net, c, j)];
                        d2 += diff * diff;
                    }
                }
                dist[c] = d2;
                mean += d2;
                present++;
            }
            double scale = Math.max(mean / Math.max(present, 1), 1e-12) * temperature;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < numC; c++) {
                if (t.hasClass(c)) {
                    max = Math.max(max, -dist[c] / scale);
                }
            }
            double z = 0;
            for (int c = 0; c < numC; c++) {
                if (t.hasClass(c)) {
                    z += Math.exp(-dist[c] / scale - max);
                }
            }
            for (int c = 0; c < numC; c++) {
                soft[i * numC + c] = t.hasClass(c) ? (float) (Math.exp(-dist[c] / scale - max) / z) : 0f;
            }
        }
        return s.withSoftLabels(soft);
    }

    /**
     * Targets and class averaging on the device. When the set is class-major with equal blocks per class (as
     * {@link #initialise} builds it) the class means of ψ and of ψ² are reshapes + means over each block,
     * compared with {@code target1} / {@code target2}; otherwise the features [ψ, √λ·ψ²] are averaged by one
     * matmul with an (m × C) averaging matrix and compared with the concatenated {@code target}
     * [μ̄, √λ·q̄].
     */
    private final class Problem {
        final EmbeddingNetworks.Loaded weights;
        final NDArray avg;          // (m, C) averaging matrix, or a scalar placeholder on the block path
        final NDArray target;       // (K, width, columns)
        final NDArray targetSecond; // unused placeholder kept for scope handling
        final boolean useSecond;
        final float rootLambda;
        final int[] blockClasses;   // class of each block on the block path, else null
        final int width;
        final NDArray target1;      // (K, e, columns): first-moment targets
        final NDArray target2;      // (K, e, columns): second-moment targets (unscaled), or a placeholder

        Problem(NDManager m, TargetSnapshot t, SyntheticSet s) {
            if (t.dIn() != s.dIn() || t.numClasses() != s.numClasses() || t.k() != networks.spec().k()
                    || t.embedDim() != networks.spec().embedDim()) {
                throw new IllegalArgumentException("targets, set and networks disagree on dimensions");
            }
            int numC = t.numClasses();
            int e = t.embedDim();
            weights = networks.load(m);
            useSecond = t.secondMoments() != null && config.secondMomentWeight() > 0;
            rootLambda = (float) Math.sqrt(config.secondMomentWeight());
            width = useSecond ? 2 * e : e;
            blockClasses = blocks(t, s.labels());
            int[] columns;
            boolean[] active = new boolean[numC];
            if (blockClasses != null) {
                columns = blockClasses;
                avg = m.create(0f);
                java.util.Arrays.fill(active, true);
            } else {
                columns = java.util.stream.IntStream.range(0, numC).toArray();
                int[] perClass = new int[numC];
                for (int y : s.labels()) {
                    perClass[y]++;
                }
                float[] a = new float[s.size() * numC]; // (m, C)
                for (int i = 0; i < s.size(); i++) {
                    int y = s.labels()[i];
                    if (t.hasClass(y)) {
                        a[i * numC + y] = 1f / perClass[y];
                    }
                }
                for (int c = 0; c < numC; c++) {
                    active[c] = t.hasClass(c) && perClass[c] > 0; // else zero on both sides
                }
                avg = m.create(a, new Shape(s.size(), numC));
            }
            int cols = columns.length;
            float[] tm = new float[t.k() * width * cols];
            for (int net = 0; net < t.k(); net++) {
                for (int col = 0; col < cols; col++) {
                    int c = columns[col];
                    if (!active[c]) {
                        continue;
                    }
                    for (int j = 0; j < e; j++) {
                        tm[(net * width + j) * cols + col] = t.means()[t.index(net, c, j)];
                        if (useSecond) {
                            tm[(net * width + e + j) * cols + col] = rootLambda * t.secondMoments()[t.index(net, c, j)];
                        }
                    }
                }
            }
            target = m.create(tm, new Shape(t.k(), width, cols));
            targetSecond = m.create(0f);
            target1 = target.get(":, 0:" + e + ", :").duplicate();
            target2 = useSecond ? target.get(":, " + e + ":, :").div(rootLambda) : targetSecond;
        }

        /** Classes of equal, contiguous, distinct blocks that all have targets; null if the set is not so. */
        private static int[] blocks(TargetSnapshot t, int[] labels) {
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
                    l = l.add(q.mul(rootLambda * rootLambda));
                }
                return l;
            }
            NDArray feats = useSecond ? emb.concat(emb.square().mul(rootLambda), 1) : emb; // (K, width, m)
            return feats.matMul(avg).sub(target).square().sum(); // (K, width, C)
        }
    }
}
