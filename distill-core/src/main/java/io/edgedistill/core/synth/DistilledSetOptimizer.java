package io.edgedistill.core.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.util.Autograd;
import java.util.Optional;

/**
 * Distribution matching (Zhao &amp; Bilen 2023; docs/design.md §3.4): finds S_c (IPC samples per class) minimising
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
 * <p>This class is the entry point and picks the path; the parts live in their own classes:
 * {@link SetInitialiser} (initial set), {@link SearchBox} (feasible box), {@link MatchingProblem} (targets per
 * matched block or class, loss on the device), {@link GradientStep} with its two implementations
 * {@link HandWrittenGradient} and {@link AutogradGradient}, and {@link ProjectedAdam}, the one loop both paths run.
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
public final class DistilledSetOptimizer {
    private final EmbeddingNetworks networks;
    private final SynthConfig config;

    /** Optimiser over the given round's networks. */
    public DistilledSetOptimizer(EmbeddingNetworks networks, SynthConfig config) {
        this.networks = networks;
        this.config = config;
    }

    /** The configuration. */
    public SynthConfig config() {
        return config;
    }

    /** Fresh set: initialise from the targets, then {@code config.steps()} Adam steps. */
    public DistilledSet optimise(TargetSnapshot targets) {
        return run(targets, initialise(targets), config.steps());
    }

    /** Warm start from {@code current} for at most {@code config.warmSteps()} steps. */
    public DistilledSet warmStart(TargetSnapshot targets, DistilledSet current) {
        return run(targets, current, config.warmSteps());
    }

    /**
     * Returns {@code candidate} if it matches {@code targets} better than {@code live} by at least the
     * relative margin {@code minRelativeGain} (both re-evaluated on the same targets), else empty.
     */
    public Optional<DistilledSet> publishIfBetter(TargetSnapshot targets, DistilledSet candidate,
                                                  DistilledSet live, double minRelativeGain) {
        double c = loss(targets, candidate);
        if (live == null) {
            return Optional.of(relabel(candidate, c));
        }
        double l = loss(targets, live);
        return c < l * (1 - minRelativeGain) ? Optional.of(relabel(candidate, c)) : Optional.empty();
    }

    private static DistilledSet relabel(DistilledSet s, double loss) {
        return new DistilledSet(s.numClasses(), s.dIn(), s.ipc(), s.x(), s.labels(), s.softLabels(), loss,
                s.steps());
    }

    /** Initial set from summary information (class-conditional Gaussian in input space, or noise). */
    public DistilledSet initialise(TargetSnapshot t) {
        return new SetInitialiser(config).initialise(t);
    }

    /** See {@link SearchBox#binaryColumns}. */
    static boolean[] binaryColumns(TargetSnapshot t) {
        return SearchBox.binaryColumns(t);
    }

    /** The {@link SearchBox} of samples with the given labels under this configuration, or null. */
    float[][] box(TargetSnapshot t, int[] labels) {
        return SearchBox.of(t, labels, config.boxSigmas());
    }

    /** Matching loss of {@code s} against {@code targets} (no optimisation). */
    public double loss(TargetSnapshot targets, DistilledSet s) {
        boolean byHand = MatchingProblem.blocks(targets, s.labels()) != null;
        try (NDManager base = NDManager.newBaseManager();
             GradientStep g = gradientStep(base, targets, s, !byHand);
             NDManager scratch = base.newSubManager()) {
            return g.evaluate(g.toDevice(s.x(), base), false, scratch).loss();
        }
    }

    /**
     * Runs {@code steps} Adam steps from {@code init}; returns the best iterate seen (so a warm start never
     * returns a set worse than its origin) and its loss. A class-major set in equal blocks takes the
     * hand-written gradient (no lock); any other labelling autograd, under {@link Autograd#LOCK}.
     */
    public DistilledSet run(TargetSnapshot targets, DistilledSet init, int steps) {
        boolean byHand = MatchingProblem.blocks(targets, init.labels()) != null;
        if (!byHand) {
            Autograd.LOCK.lock();
        }
        try (NDManager base = NDManager.newBaseManager();
             GradientStep g = gradientStep(base, targets, init, !byHand)) {
            return new ProjectedAdam(config).run(g, base, targets, init, steps);
        } finally {
            if (!byHand) {
                Autograd.LOCK.unlock();
            }
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
    Evaluation gradient(TargetSnapshot t, DistilledSet s, boolean byAutograd) {
        if (byAutograd) {
            Autograd.LOCK.lock();
        }
        try (NDManager base = NDManager.newBaseManager();
             GradientStep g = gradientStep(base, t, s, byAutograd);
             NDManager scratch = base.newSubManager()) {
            NDArray x = g.toDevice(s.x(), base);
            g.track(x);
            GradientStep.Result r = g.evaluate(x, true, scratch);
            return new Evaluation(r.loss(), g.toRows(r.gradient().toFloatArray()));
        } finally {
            if (byAutograd) {
                Autograd.LOCK.unlock();
            }
        }
    }

    /** The gradient path for {@code s}: autograd on the device problem, or the hand-written block gradient. */
    private GradientStep gradientStep(NDManager base, TargetSnapshot t, DistilledSet s, boolean byAutograd) {
        MatchingProblem p = new MatchingProblem(networks, config, base, t, s, byAutograd);
        return byAutograd ? new AutogradGradient(p, s.size(), s.dIn())
                : new HandWrittenGradient(p, base, s.size(), s.dIn());
    }

    /**
     * Soft labels from summaries only: for each sample, softmax over classes of −‖ψ(s) − μ̄_c‖² / (T·scale),
     * summed over the K networks, where scale is the mean squared distance between the sample's embedding
     * and the class targets (so T is dimensionless). Absent classes get probability 0.
     */
    public DistilledSet withSoftLabels(TargetSnapshot t, DistilledSet s, float temperature) {
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
}
