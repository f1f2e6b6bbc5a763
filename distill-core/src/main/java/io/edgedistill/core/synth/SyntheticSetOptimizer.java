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
 * all K networks and all classes in one batched forward/backward pass: the (K, e, m) embeddings of the set come
 * from one GEMM and one batched matmul, per-class means are a reshape + mean over the class-major blocks. For a
 * class-major set in equal blocks (every set {@link #initialise} builds) the gradient is written out by hand
 * ({@link BlockMatching}: two more matmuls and a few element-wise products, nothing recorded); any other
 * labelling goes through DJL autograd ({@link GradientCollector}, serialised JVM-wide by
 * {@link Autograd#LOCK}, since DJL allows one gradient collector at a time). Runs on DJL's default device (GPU
 * when present). {@link #run} returns the best iterate it saw, so a warm start never returns a set worse than
 * its origin.
 *
 * <p>Initialisation uses summary information only: the per-class input-space mean and variance of the
 * targets when the round carries them (class-conditional Gaussian; columns that are 0/1 in every class, such
 * as one-hot blocks and missing indicators, are drawn as Bernoulli(class mean)), else standard normal noise.
 * Never raw edge data. Classes absent from the targets get no samples.
 *
 * <p>With K fixed random networks the matching problem is underdetermined enough that exact matches lie far
 * off the data (a third of the values outside the range the data take, 0/1 columns at negative or fractional
 * values), which generalises poorly. When the targets carry input moments, two terms keep the set on the
 * data: (1) the per-class input mean and second moment of the set are matched too (weight
 * {@link SynthConfig#inputMomentWeight}; the second moment scaled by λ as in the embedding term), and (2)
 * every step is followed by a projection on a per-class box (0/1 columns in [0, 1], other columns within the
 * class mean ± {@link SynthConfig#boxSigmas} class standard deviations). Both use only what the summaries
 * already carry.
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
        boolean[] binary = binaryColumns(t);
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
                    double g = rng.nextGaussian();
                    x[row * d + j] = binary != null && binary[j] ? (g < inverseNormal(mean) ? 1f : 0f)
                            : (float) (mean + std * g);
                }
            }
        }
        float[][] box = box(t, labels);
        if (box != null) {
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.min(Math.max(x[i], box[0][i]), box[1][i]);
            }
        }
        return new SyntheticSet(t.numClasses(), d, config.ipc(), x, labels, null, Double.NaN, 0);
    }

    /** Φ⁻¹(p) for p in [0, 1] (Acklam's rational approximation; ±∞ at the ends), so that g &lt; Φ⁻¹(p) has probability p. */
    static double inverseNormal(double p) {
        if (p <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p >= 1) {
            return Double.POSITIVE_INFINITY;
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] dd = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        double lo = 0.02425;
        if (p < lo) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
        }
        if (p > 1 - lo) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /**
     * Columns that are 0/1 in every class the targets hold (second moment equal to the mean, mean in [0, 1]:
     * one-hot blocks, missing indicators), or null without input moments.
     */
    static boolean[] binaryColumns(TargetSnapshot t) {
        if (t.inputMeans() == null || t.inputSecondMoments() == null) {
            return null;
        }
        int d = t.dIn();
        boolean[] bin = new boolean[d];
        java.util.Arrays.fill(bin, true);
        for (int c = 0; c < t.numClasses(); c++) {
            if (!t.hasClass(c)) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                float mu = t.inputMeans()[c * d + j];
                float q = t.inputSecondMoments()[c * d + j];
                if (Math.abs(q - mu) > 1e-5f * Math.max(1f, Math.abs(mu)) || mu < -1e-6f || mu > 1 + 1e-6f) {
                    bin[j] = false;
                }
            }
        }
        return bin;
    }

    /**
     * Per-sample box {lower, upper} (m × d each) for samples with the given labels, or null when the box is off
     * or the targets carry no input moments: 0/1 columns in [0, 1], every other column within the class mean ±
     * {@code boxSigmas} class standard deviations.
     */
    float[][] box(TargetSnapshot t, int[] labels) {
        boolean[] bin = binaryColumns(t);
        if (config.boxSigmas() <= 0 || bin == null) {
            return null;
        }
        int d = t.dIn();
        float[] lo = new float[labels.length * d];
        float[] hi = new float[labels.length * d];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            for (int j = 0; j < d; j++) {
                float l;
                float h;
                if (bin[j]) {
                    l = 0f;
                    h = 1f;
                } else {
                    double mu = t.inputMeans()[c * d + j];
                    double sd = Math.sqrt(Math.max(0, t.inputSecondMoments()[c * d + j] - mu * mu));
                    l = (float) (mu - config.boxSigmas() * sd);
                    h = (float) (mu + config.boxSigmas() * sd);
                }
                lo[i * d + j] = l;
                hi[i * d + j] = h;
            }
        }
        return new float[][] {lo, hi};
    }

    /** Matching loss of {@code s} against {@code targets} (no optimisation). */
    public double loss(TargetSnapshot targets, SyntheticSet s) {
        if (Problem.blocks(targets, s.labels()) != null) {
            return evaluate(targets, s, false).loss();
        }
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
        if (Problem.blocks(targets, init.labels()) == null) {
            return runAutograd(targets, init, steps);
        }
        try (NDManager base = NDManager.newBaseManager()) {
            return runBlocks(new Problem(base, targets, init, false), base, targets, init, steps);
        }
    }

    /**
     * The usual case, a class-major set in equal blocks: Adam on the feature-major set with the hand-written
     * gradient of {@link BlockMatching} (no autograd recording, so no lock either).
     */
    private SyntheticSet runBlocks(Problem p, NDManager base, TargetSnapshot targets, SyntheticSet init,
                                   int steps) {
        int m = init.size();
        int d = init.dIn();
        Shape shape = new Shape(d, m);
        float[][] box = box(targets, init.labels());
        NDArray lower = box == null ? null : base.create(BlockMatching.transpose(box[0], m, d), shape);
        NDArray upper = box == null ? null : base.create(BlockMatching.transpose(box[1], m, d), shape);
        NDArray x = base.create(BlockMatching.transpose(init.x(), m, d), shape);
        if (box != null) {
            project(x, lower, upper);
        }
        BestIterate best = new BestIterate(base);
        try (BlockMatching matching = p.blockMatching(base, m / p.blockClasses.length);
             AdamState adam = new AdamState(x)) {
            for (int step = 0; step < steps; step++) {
                try (NDManager scratch = base.newSubManager()) {
                    BlockMatching.Result r = matching.evaluate(x, true, scratch);
                    best.offer(r.loss(), x); // loss of x before this update
                    adam.step(r.gradient(), config.learningRate(), 0f);
                    if (box != null) {
                        project(x, lower, upper);
                    }
                }
            }
            float finalLoss;
            try (NDManager scratch = base.newSubManager()) {
                finalLoss = matching.evaluate(x, false, scratch).loss();
            }
            float[] rows = BlockMatching.transpose(best.choose(finalLoss, x), d, m); // one row per sample again
            return new SyntheticSet(init.numClasses(), d, init.ipc(), rows, init.labels(), init.softLabels(),
                    best.loss(), init.steps() + steps);
        }
    }

    /** Loss and, when computed, gradient (row-major, m × d, else null) at one set; see {@link #gradient}. */
    record Evaluation(double loss, float[] gradient) {
    }

    /**
     * The matching loss at {@code s} and its gradient, either through autograd (the averaging-matrix or block
     * loss, recorded and differentiated by the engine) or through the hand-written gradient of the block path
     * that {@link #run} uses; the two must agree (checked by the unit tests).
     */
    Evaluation gradient(TargetSnapshot t, SyntheticSet s, boolean byAutograd) {
        if (!byAutograd) {
            return evaluate(t, s, true);
        }
        Autograd.LOCK.lock();
        try (NDManager base = NDManager.newBaseManager()) {
            Problem p = new Problem(base, t, s);
            NDArray x = base.create(s.x(), new Shape(s.size(), s.dIn()));
            x.setRequiresGradient(true);
            float loss;
            try (GradientCollector gc = Autograd.collector()) {
                NDArray l = p.loss(x);
                gc.backward(l);
                loss = l.getFloat();
            }
            return new Evaluation(loss, x.getGradient().toFloatArray());
        } finally {
            Autograd.LOCK.unlock();
        }
    }

    /** Loss (and gradient) of a class-major set in equal blocks by {@link BlockMatching}. */
    private Evaluation evaluate(TargetSnapshot t, SyntheticSet s, boolean gradient) {
        int m = s.size();
        int d = s.dIn();
        try (NDManager base = NDManager.newBaseManager()) {
            Problem p = new Problem(base, t, s, false);
            if (p.blockClasses == null) {
                throw new IllegalArgumentException("the hand-written gradient needs a class-major set in equal blocks");
            }
            try (BlockMatching matching = p.blockMatching(base, m / p.blockClasses.length);
                 NDManager scratch = base.newSubManager()) {
                NDArray xT = base.create(BlockMatching.transpose(s.x(), m, d), new Shape(d, m));
                BlockMatching.Result r = matching.evaluate(xT, gradient, scratch);
                return new Evaluation(r.loss(),
                        gradient ? BlockMatching.transpose(r.gradient().toFloatArray(), d, m) : null);
            }
        }
    }

    /** Any labelling: the loss through the averaging matrix, differentiated by autograd. */
    private SyntheticSet runAutograd(TargetSnapshot targets, SyntheticSet init, int steps) {
        Autograd.LOCK.lock();
        try (NDManager base = NDManager.newBaseManager()) {
            Problem p = new Problem(base, targets, init);
            Shape shape = new Shape(init.size(), init.dIn());
            float[][] box = box(targets, init.labels());
            NDArray lower = box == null ? null : base.create(box[0], shape);
            NDArray upper = box == null ? null : base.create(box[1], shape);
            NDArray x = base.create(init.x(), shape);
            if (box != null) {
                project(x, lower, upper);
            }
            x.setRequiresGradient(true);
            BestIterate best = new BestIterate(base);
            try (AdamState adam = new AdamState(x)) {
                for (int step = 0; step < steps; step++) {
                    try (NDManager scratch = base.newSubManager()) {
                        scratch.tempAttachAll(x, p.avg, p.target, p.targetSecond);
                        if (box != null) {
                            scratch.tempAttachAll(lower, upper);
                        }
                        float current;
                        try (GradientCollector gc = Autograd.collector()) {
                            NDArray loss = p.loss(x);
                            gc.backward(loss);
                            current = loss.getFloat();
                        }
                        best.offer(current, x); // loss of x before this update
                        adam.step(config.learningRate(), 0f, scratch);
                        if (box != null) {
                            project(x, lower, upper); // projected Adam: back into the box
                            x.setRequiresGradient(true); // the projected storage starts a new leaf
                        }
                    }
                }
            }
            float[] out = best.choose(p.loss(x).getFloat(), x);
            return new SyntheticSet(init.numClasses(), init.dIn(), init.ipc(), out, init.labels(),
                    init.softLabels(), best.loss(), init.steps() + steps);
        } finally {
            Autograd.LOCK.unlock();
        }
    }

    /**
     * The best iterate of a run, so that a warm start never returns a set worse than its origin: a copy on the
     * device of the step iterate with the lowest loss, against which the final iterate is chosen (it wins ties).
     */
    private static final class BestIterate {
        private final NDManager manager;
        private NDArray best;
        private double loss = Double.POSITIVE_INFINITY;

        BestIterate(NDManager manager) {
            this.manager = manager;
        }

        /** Keeps a copy of the step iterate {@code x} if {@code xLoss} is below the best so far. */
        void offer(double xLoss, NDArray x) {
            if (xLoss < loss) {
                if (best != null) {
                    best.close();
                }
                best = x.duplicate();
                best.attach(manager);
                loss = xLoss;
            }
        }

        /** The values of the final iterate {@code x} unless a step iterate was strictly better, then that one's. */
        float[] choose(double xLoss, NDArray x) {
            if (xLoss <= loss || best == null) {
                loss = xLoss;
                return x.toFloatArray();
            }
            return best.toFloatArray();
        }

        /** Loss of the iterate {@link #choose} returned. */
        double loss() {
            return loss;
        }
    }

    /** x ← clamp(x, lower, upper), in place (outside gradient recording), without leaving the device. */
    private static void project(NDArray x, NDArray lower, NDArray upper) {
        try (NDArray low = x.maximum(lower)) {
            x.intern(low.minimum(upper)); // x takes over the clamped array's storage
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
     * The matching problem of one set against one round's targets: the targets gathered per matched column
     * (a block of the set, or a class) on the host, and, for the autograd path, on the device with the class
     * averaging. When the set is class-major with equal blocks per class (as {@link #initialise} builds it)
     * the class means of ψ and of ψ² (and of x and x² with the input term) are reshapes + means over each
     * block, compared with {@code target1} / {@code target2} (and {@code inputMean} / {@code inputSecond});
     * otherwise the features [ψ, √λ·ψ²] are averaged by one matmul with an (m × C) averaging matrix and
     * compared with the concatenated {@code target} [μ̄, √λ·q̄].
     */
    final class Problem {
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

        /** The problem on the device of {@code m}, for {@link #loss}. */
        Problem(NDManager m, TargetSnapshot t, SyntheticSet s) {
            this(m, t, s, true);
        }

        /** The problem; with {@code onDevice} false only the host arrays (for {@link #blockMatching}). */
        Problem(NDManager m, TargetSnapshot t, SyntheticSet s, boolean onDevice) {
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
                if (inputMean != null) { // class means of x and x² over the blocks: (p, dIn)
                    NDArray xb = x.reshape(new Shape(p, m / p, x.getShape().get(1)));
                    l = l.add(inputTerm(xb.mean(new int[] {1}), xb.square().mean(new int[] {1})));
                }
                return l;
            }
            NDArray feats = useSecond ? emb.concat(emb.square().mul(rootLambda), 1) : emb; // (K, width, m)
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
            return a.add(b.mul(lambda)).mul(inputWeight);
        }
    }
}
