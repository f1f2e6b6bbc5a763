package io.edgedistill.bench.eval;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.DirichletPartitioner;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.mixture.ColumnLayout;
import io.edgedistill.core.mixture.GeneratedSet;
import io.edgedistill.core.mixture.GeneratedTraining;
import io.edgedistill.core.mixture.MixtureOptions;
import io.edgedistill.core.mixture.MixturePrior;
import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.mixture.SubClusterer;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sub-cluster methods of the evaluation, on the same partition and classifier seed as the others:
 * <ul>
 *   <li>{@code subcluster-prior}: every edge sends a {@link SubClusterSummary} of its partition; the cloud pools
 *       them into a {@link MixturePrior}, draws {@code generatedPerClass × C} rows in the global class
 *       proportions, and trains the harness detector with the large-set recipe {@code pooled} uses (same
 *       initial weights, no prior correction: the set already has the real class mix), so the ratio to pooled
 *       compares the data alone.</li>
 *   <li>{@code subcluster-prior-teacher}: the product's teacher ({@code MlpTrainer}, {@code TrainConfig.teacher}:
 *       a recipe made for small sets) on a class-balanced draw of {@code teacherPerClass} rows per class (IPC
 *       by default, the budget of {@code ours-core-teacher}), with the same log-prior correction.</li>
 * </ul>
 * The mixture is what the processor publishes: counts bounded ({@code CountBound}, the detector's count cap) and
 * the backdoor screen's decision applied ({@code BackdoorScreen}, its defaults).
 * Bytes per edge: {@link SubClusterSummary#sizeBytes(int)} (float32 values, or float16 with the option, 8
 * bytes per count), mean over edges.
 * The layout of 0/1 columns comes from the feature spec when the harness has it, else from the statistics.
 */
final class SubclusterMethods {
    /** The updater's default teacher ({@code updater.training.teacher-hidden}, which is declared as text). */
    static final int[] TEACHER_HIDDEN = {128, 64};

    private final Dataset train;
    private final Dataset test;
    private final ColumnLayout layout;
    private final SubclusterSettings settings;
    private final List<String> privacyRows = new ArrayList<>();
    private final int benign;
    private double countCap = io.edgedistill.core.aggregate.PoisonDetector.DEFAULT_COUNT_CAP;

    SubclusterMethods(Dataset train, Dataset test, FeatureSpec spec, SubclusterSettings settings) {
        this.train = train;
        this.test = test;
        this.layout = spec == null ? null : ColumnLayout.of(spec);
        this.settings = settings;
        this.benign = spec == null ? -1 : spec.benignIndex();
    }

    /** The count bound's factor the processor applies to the mixture ({@code CountBound}; 0 = none). */
    void countCap(double factor) {
        this.countCap = factor;
    }

    /**
     * What the processor pools into the synthetic set's mixture: counts bounded, then the backdoor screen's decision
     * with its defaults (quarantined edges out, flagged classes out).
     */
    private List<SubClusterSummary> kept(List<SubClusterSummary> summaries) {
        return processorMixture(summaries, countCap, benign);
    }

    /**
     * Every non-empty edge's sub-cluster summary (M and k_min of {@code settings}; edge e's k-means seeded with rs + 200
     * + e, its id {@code edge-e}), as the edges of one repetition send them.
     */
    static List<SubClusterSummary> summaries(Dataset[] edges, SubclusterSettings settings, long rs) {
        List<SubClusterSummary> out = new ArrayList<>();
        for (int e = 0; e < edges.length; e++) {
            if (edges[e].size() == 0) {
                continue;
            }
            SubClusterOptions o = new SubClusterOptions(settings.maxClusters(), settings.kMin(), rs + 200 + e,
                    SubClusterOptions.DEFAULT_MAX_ITERATIONS);
            out.add(new SubClusterer(o).summarize("edge-" + e, edges[e].x(), edges[e].y(), edges[e].numClasses()));
        }
        return out;
    }

    /** The rows split over {@code s.edges()} edges by the seeded Dirichlet(β) partition of a repetition. */
    static Dataset[] partition(Dataset rows, Harness.Settings s, long rs) {
        int[][] parts = new DirichletPartitioner(s.edges(), s.beta(), rs)
                .partition(rows.y(), rows.numClasses());
        Dataset[] out = new Dataset[parts.length];
        for (int e = 0; e < parts.length; e++) {
            out[e] = rows.subset(parts[e]);
        }
        return out;
    }

    /** The summaries the processor pools: counts bounded by {@code countCap}, the backdoor screen's defaults applied. */
    static List<SubClusterSummary> processorMixture(List<SubClusterSummary> summaries, double countCap, int benign) {
        List<SubClusterSummary> bounded = io.edgedistill.core.aggregate.CountBound.bounded(summaries, countCap);
        io.edgedistill.core.aggregate.BackdoorScreen screen = new io.edgedistill.core.aggregate.BackdoorScreen(
                io.edgedistill.core.aggregate.BackdoorScreen.Config.defaults(benign));
        return screen.decide(bounded).kept(bounded);
    }

    /** Markdown rows of the privacy check (one per configuration, repetition 0), in run order. */
    List<String> privacyRows() {
        return privacyRows;
    }

    /** Runs the requested sub-cluster methods for one repetition. */
    List<Harness.Run> run(Dataset[] edgeData, long rs, long clfSeed, Harness.Settings s, int rep, List<String> methods) {
        long t0 = System.nanoTime();
        List<SubClusterSummary> summaries = summaries(edgeData, settings, rs).stream()
                .map(sum -> settings.float16() ? sum.roundedToFloat16() : sum).toList();
        double edgeSeconds = secs(t0) / edgeData.length;
        double bytes32 = summaries.stream().mapToLong(SubClusterSummary::sizeBytes).sum() / (double) edgeData.length;
        double bytes16 = summaries.stream().mapToLong(x -> x.sizeBytes(2)).sum() / (double) edgeData.length;
        double bytes = settings.float16() ? bytes16 : bytes32;
        double subs = summaries.stream().mapToInt(SubClusterSummary::subClusterCount).sum() / (double) edgeData.length;
        List<SubClusterSummary> kept = kept(summaries);
        MixturePrior prior = MixturePrior.pool(kept,
                layout != null ? layout : ColumnLayout.inferred(summaries), MixtureOptions.defaults());
        long[] counts = prior.counts();
        String common = String.format(Locale.ROOT, "%.1f sub-clusters per edge, float32 %.0f / float16 %.0f B/edge%s, "
                + "classes sampled %d/%d", subs, bytes32, bytes16, settings.float16() ? " (sent as float16)" : "",
                sampled(prior), prior.numClasses());
        List<Harness.Run> out = new ArrayList<>();
        if (methods.contains(Harness.SUBCLUSTER)) {
            long t1 = System.nanoTime();
            GeneratedSet g = prior.sampleTrainingSet(counts, settings.generatedPerClass() * prior.numClasses(),
                    SubclusterSettings.MIN_GENERATED_PER_CLASS, rs + 6);
            MlpClassifier m = new MlpClassifier(train.dim(), s.mlpHidden(), train.numClasses(), clfSeed);
            m.train(g.x(), g.y(), g.size(), null, MlpClassifier.TrainConfig.pooled(), clfSeed + 1);
            Metrics.Scores sc = Metrics.score(test.y(), m.predict(test.x(), test.size()), test.numClasses());
            out.add(new Harness.Run(Harness.SUBCLUSTER, rep, sc, bytes,
                    secs(t1) + edgeSeconds, g.size() + " generated rows, " + common));
            if (settings.privacyCheck() && rep == 0) {
                privacyRows.add(privacyRow(s, g, rs));
            }
        }
        if (methods.contains(Harness.SUBCLUSTER_TEACHER)) {
            long t1 = System.nanoTime();
            int per = settings.teacherPerClass() > 0 ? settings.teacherPerClass() : s.ipc();
            long[] balanced = new long[counts.length];
            for (int c = 0; c < counts.length; c++) {
                balanced[c] = counts[c] > 0 ? 1 : 0;
            }
            GeneratedSet g = prior.sampleTrainingSet(balanced, per * sampled(prior), per, rs + 7);
            MlpModel teacher = MlpTrainer.train(new int[] {s.mlpHidden()}, g.x(), g.size(), g.y(), null,
                    train.numClasses(), TrainConfig.teacher(clfSeed));
            float[] logits = teacher.logits(test.x(), test.size());
            double[] bias = s.priorCorrection() ? Harness.logPrior(counts, train.numClasses()) : null;
            int[] pred = Harness.argmax(logits, test.size(), train.numClasses(), bias);
            Metrics.Scores sc = Metrics.score(test.y(), pred, test.numClasses());
            out.add(new Harness.Run(Harness.SUBCLUSTER_TEACHER, rep, sc, bytes,
                    secs(t1) + edgeSeconds, g.size() + " generated rows (balanced), core teacher recipe, " + common));
        }
        if (methods.contains(Harness.SHIPPED)) {
            out.add(shipped(Harness.SHIPPED, settings.shipped(), prior, counts, s, rep, rs, bytes, edgeSeconds, common));
        }
        if (methods.contains(Harness.SHIPPED_REFINED)) {
            out.add(shipped(Harness.SHIPPED_REFINED, SubclusterSettings.refinedDefaults(), prior, counts, s, rep, rs,
                    bytes, edgeSeconds, common));
        }
        return out;
    }

    /**
     * An updater recipe exactly as it runs (distill-core {@link GeneratedTraining} with the updater's defaults for
     * {@code shipped}, its refined recipe for {@code shipped-refined}):
     * rows generated from the mixture, the teacher ({@link #TEACHER_HIDDEN}) on them, and the student of the edges'
     * architecture (one hidden layer of {@code --mlp-hidden}; the product's is 32) distilled on them. The row's
     * number is the student's, the model the edges run; run with {@code --mlp-hidden 32} for the product's shapes,
     * so that {@code pooled} is the same architecture trained on the pooled rows.
     */
    private Harness.Run shipped(String method, GeneratedTraining.Settings recipe, MixturePrior prior, long[] counts,
                                Harness.Settings s, int rep, long rs, double bytes, double edgeSeconds, String common) {
        long t1 = System.nanoTime();
        GeneratedTraining.Result r = GeneratedTraining.train(prior, counts, TEACHER_HIDDEN, new int[] {s.mlpHidden()},
                recipe, rs + 9);
        Metrics.Scores sc = Metrics.score(test.y(), r.student().predict(test.x(), test.size()), test.numClasses());
        return new Harness.Run(method, rep, sc, bytes, secs(t1) + edgeSeconds,
                r.rows().size() + " generated rows, updater recipe (teacher " + java.util.Arrays.toString(TEACHER_HIDDEN)
                        + " " + recipe.teacherEpochs() + " epochs, student [" + s.mlpHidden() + "] "
                        + recipe.studentEpochs() + " epochs), " + common);
    }

    private String privacyRow(Harness.Settings s, GeneratedSet g, long rs) {
        NearestNeighbourCheck.Result r = NearestNeighbourCheck.run(train.x(), train.size(), g.x(), g.size(),
                train.dim(), rs + 8);
        return String.format(Locale.ROOT, "| β %s, M %d, k_min %d | %.3f | %.3f | %.1f %% | %.3f | %.3f | %.1f %% |",
                s.beta(), settings.maxClusters(), settings.kMin(), r.generatedMedian(), r.generatedP5(),
                100 * r.generatedZeroShare(), r.realMedian(), r.realP5(), 100 * r.realZeroShare());
    }

    private static int sampled(MixturePrior p) {
        int n = 0;
        for (int c = 0; c < p.numClasses(); c++) {
            n += p.hasClass(c) ? 1 : 0;
        }
        return n;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
