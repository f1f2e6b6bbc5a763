package io.edgedistill.core.mixture;

import io.edgedistill.core.nn.SplitMix64;
import java.util.ArrayList;
import java.util.List;

/**
 * The cloud side: pools the sub-clusters of all edges into one count-weighted Gaussian mixture per class
 * (diagonal covariances) and draws valid rows from it.
 *
 * <p>Pooling is exact where it can be: the count-weighted mean of a class's components is the mean of all its
 * rows on all edges that sent moments, and likewise the second moment (variance + mean² per component). Classes
 * that arrived with counts only (below the floor on every edge) keep their count but get no rows.
 *
 * <p>A row of class c: a component drawn with probability proportional to its count; real-valued columns from
 * N(mean, max(variance, (minStdFraction · class std)²)) truncated at ± boxSigmas of that std, then clipped at
 * the layout's |z| clip; a one-hot group picks one of its columns with the component's means as
 * probabilities (the remainder, if any, for "no category"); other 0/1 columns are Bernoulli(mean). Deterministic:
 * class c of a call draws from {@code SplitMix64.keyed(seed, c)}.
 */
public final class MixturePrior {
    private final int numClasses;
    private final int dim;
    private final long[] counts;
    private final List<List<SubCluster>> components;
    private final double[][] classMean;
    private final double[][] classVariance;
    private final ColumnLayout layout;
    private final MixtureOptions options;

    private MixturePrior(int numClasses, int dim, long[] counts, List<List<SubCluster>> components,
                         ColumnLayout layout, MixtureOptions options) {
        this.numClasses = numClasses;
        this.dim = dim;
        this.counts = counts;
        this.components = components;
        this.layout = layout;
        this.options = options;
        this.classMean = new double[numClasses][];
        this.classVariance = new double[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            if (!components.get(c).isEmpty()) {
                pool(c);
            }
        }
    }

    /** Pools the summaries of all edges (same classes and dimension) under a column layout. */
    public static MixturePrior pool(List<SubClusterSummary> summaries, ColumnLayout layout, MixtureOptions options) {
        if (summaries.isEmpty()) {
            throw new IllegalArgumentException("no summaries to pool");
        }
        int c = summaries.get(0).numClasses();
        int d = summaries.get(0).dim();
        if (layout.dim() != d) {
            throw new IllegalArgumentException("layout of dimension " + layout.dim() + ", summaries " + d);
        }
        long[] counts = new long[c];
        List<List<SubCluster>> comps = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            comps.add(new ArrayList<>());
        }
        for (SubClusterSummary s : summaries) {
            if (s.numClasses() != c || s.dim() != d) {
                throw new IllegalArgumentException("summary " + s.edgeId() + " has another shape");
            }
            for (ClassSubClusters cc : s.classes()) {
                counts[cc.classId()] += cc.count();
                comps.get(cc.classId()).addAll(cc.clusters());
            }
        }
        List<List<SubCluster>> frozen = new ArrayList<>();
        for (List<SubCluster> l : comps) {
            frozen.add(List.copyOf(l));
        }
        return new MixturePrior(c, d, counts, frozen, layout, options);
    }

    private void pool(int c) {
        double n = 0;
        double[] s1 = new double[dim];
        double[] s2 = new double[dim];
        for (SubCluster k : components.get(c)) {
            n += k.count();
            for (int j = 0; j < dim; j++) {
                double mu = k.mean()[j];
                s1[j] += k.count() * mu;
                s2[j] += k.count() * (k.variance()[j] + mu * mu);
            }
        }
        classMean[c] = new double[dim];
        classVariance[c] = new double[dim];
        for (int j = 0; j < dim; j++) {
            classMean[c][j] = s1[j] / n;
            classVariance[c][j] = Math.max(0, s2[j] / n - classMean[c][j] * classMean[c][j]);
        }
    }

    public int numClasses() {
        return numClasses;
    }

    public int dim() {
        return dim;
    }

    /** Global rows per class, including classes that sent counts only (a copy). */
    public long[] counts() {
        return counts.clone();
    }

    /** Whether class c has components (and can be sampled). */
    public boolean hasClass(int c) {
        return !components.get(c).isEmpty();
    }

    /** Components of class c (all edges). */
    public List<SubCluster> components(int c) {
        return components.get(c);
    }

    /** Pooled mean of class c (a copy), or null without components. */
    public double[] classMean(int c) {
        return classMean[c] == null ? null : classMean[c].clone();
    }

    /** Pooled per-dimension variance of class c (a copy), or null without components. */
    public double[] classVariance(int c) {
        return classVariance[c] == null ? null : classVariance[c].clone();
    }

    /** n rows of class c (n × d, row-major). */
    public float[] sample(int c, int n, long seed) {
        if (!hasClass(c)) {
            throw new IllegalArgumentException("class " + c + " has no components (count only)");
        }
        return new ComponentSampler(this, c).draw(n, SplitMix64.keyed(seed, c));
    }

    /**
     * About {@code total} rows split over the classes in proportion to {@code weights} (e.g. the global class
     * counts; largest remainder), each class that gets rows getting at least {@code minPerClass}. Classes
     * without components or with weight 0 get none, and their share goes to the others.
     */
    public GeneratedSet sampleTrainingSet(long[] weights, int total, int minPerClass, long seed) {
        int[] alloc = Allocation.proportional(weights, this::hasClass, total, minPerClass);
        int n = 0;
        for (int a : alloc) {
            n += a;
        }
        float[] x = new float[n * dim];
        int[] y = new int[n];
        int row = 0;
        for (int c = 0; c < numClasses; c++) {
            if (alloc[c] == 0) {
                continue;
            }
            float[] part = sample(c, alloc[c], seed);
            System.arraycopy(part, 0, x, row * dim, part.length);
            for (int i = 0; i < alloc[c]; i++) {
                y[row++] = c;
            }
        }
        return new GeneratedSet(x, y, dim);
    }

    ColumnLayout layout() {
        return layout;
    }

    MixtureOptions options() {
        return options;
    }

    double[] classVarianceRef(int c) {
        return classVariance[c];
    }
}
