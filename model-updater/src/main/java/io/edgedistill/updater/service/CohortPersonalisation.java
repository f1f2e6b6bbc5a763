package io.edgedistill.updater.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.edgedistill.core.data.Sampling;
import io.edgedistill.core.mixture.ClassSubClusters;
import io.edgedistill.core.mixture.ColumnLayout;
import io.edgedistill.core.mixture.MixtureOptions;
import io.edgedistill.core.mixture.MixturePrior;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.personal.CohortTraining;
import io.edgedistill.schemas.mapping.SubClusterMapping;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.updater.config.UpdaterConfig.Training;

/**
 * What a cohort's knowledge (reverse distillation) adds to its model. Knowledge v2 (sub-clusters of the hard
 * samples, class totals): the rows {@link CohortTraining} fine-tunes the global model on ({@link #v2}). Knowledge v1
 * (input moments only): samples drawn around the input moments of the classes its edges get wrong. Both: the
 * cohort's class mix, and a model's output shifted to that mix. Pure: the updater's bookkeeping of which knowledge
 * was used is in {@link CohortLedger}.
 */
final class CohortPersonalisation {
    private final Training settings;

    CohortPersonalisation(Training settings) {
        this.settings = settings;
    }

    /**
     * Samples drawn around the input mean and variance of each hard class the knowledge reports (standard
     * deviation scaled by {@code knowledge-spread}: the hard samples are multi-modal, a full-width Gaussian would
     * cover other classes). Classes without usable moments (sent under differential privacy, other feature
     * width, unknown class) add none, so the result may be empty.
     */
    List<CandidateTrainer.Sample> samplesAround(EdgeKnowledge k, SyntheticSet set) {
        int d = set.getFeatureDim();
        int perClass = settings.knowledgeSamplesPerClass() > 0 ? settings.knowledgeSamplesPerClass()
                : Math.max(1, set.getSamplesPerClass());
        List<CandidateTrainer.Sample> out = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(k.getEdgeId().hashCode() * 31L + set.getVersion());
        for (KnowledgeClass kc : k.getClasses()) {
            List<Float> mean = kc.getInputMean();
            if (kc.getCount() <= 0 || mean == null || mean.size() != d || kc.getClassIndex() < 0
                    || kc.getClassIndex() >= set.getClasses().size()) {
                continue;
            }
            List<Float> var = kc.getInputVar();
            for (int i = 0; i < perClass; i++) {
                float[] x = new float[d];
                for (int j = 0; j < d; j++) {
                    double v = var != null && var.size() == d ? var.get(j) : 0.25;
                    double sd = settings.knowledgeSpread() * Math.sqrt(Math.min(4.0, Math.max(1e-4, v)));
                    x[j] = (float) (mean.get(j) + sd * Sampling.normal(rng));
                }
                out.add(new CandidateTrainer.Sample(x, kc.getClassIndex()));
            }
        }
        return out;
    }

    /**
     * Knowledge v2 as {@link CohortTraining} takes it: the hard samples' mixture, the cohort's class totals and, per
     * class, the share of hard samples.
     */
    record CohortKnowledge(MixturePrior hard, long[] classTotals, double[] hardShares) {
    }

    /**
     * The knowledge's v2 content under the set's classes and width; empty when it carries no sub-clusters of that
     * width (an edge of knowledge v1, a round without sub-clusters, too few hard samples of every class) or no class
     * totals.
     */
    static java.util.Optional<CohortKnowledge> v2(EdgeKnowledge k, SyntheticSet set, ColumnLayout layout) {
        int c = set.getClasses().size();
        int d = set.getFeatureDim();
        if (k.getClassTotals().size() != c) {
            return java.util.Optional.empty();
        }
        List<ClassSubClusters> classes = new ArrayList<>();
        double[] shares = new double[c];
        boolean any = false;
        for (int i = 0; i < c; i++) {
            classes.add(new ClassSubClusters(i, 0, List.of()));
        }
        for (KnowledgeClass kc : k.getClasses()) {
            int i = kc.getClassIndex();
            if (i < 0 || i >= c) {
                continue;
            }
            shares[i] = kc.getTotal() > 0 ? Math.min(1.0, (double) kc.getCount() / kc.getTotal()) : 0;
            List<io.edgedistill.schemas.HardSubCluster> wire = kc.getSubClusters();
            boolean fits = wire != null && !wire.isEmpty()
                    && wire.stream().allMatch(h -> h.getMean().size() == d && h.getVariance().size() == d);
            ClassSubClusters cc = SubClusterMapping.hardFromWire(i, fits ? wire.stream().mapToLong(
                    io.edgedistill.schemas.HardSubCluster::getCount).sum() : kc.getCount(), fits ? wire : null);
            classes.set(i, cc);
            any |= fits;
        }
        if (!any) {
            return java.util.Optional.empty();
        }
        SubClusterSummary summary = new SubClusterSummary(k.getEdgeId(), c, d, 1, classes);
        long[] totals = k.getClassTotals().stream().mapToLong(Long::longValue).toArray();
        return java.util.Optional.of(new CohortKnowledge(MixturePrior.pool(List.of(summary), layout, MixtureOptions.defaults()),
                totals, shares));
    }

    /** The cohort's class mix from its knowledge (null when the edge did not report its class totals). */
    static double[] trafficMix(EdgeKnowledge k, SyntheticSet set) {
        List<Long> totals = k.getClassTotals();
        if (totals.size() != set.getClasses().size()) {
            return null;
        }
        return io.edgedistill.core.personal.CohortOffer.mix(totals.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * The rows per class a set's global model was trained on: the mixture's class counts (the generated rows follow
     * them) plus the set's samples; the samples alone without a mixture.
     */
    static double[] trainingCounts(SyntheticSet set) {
        int c = set.getClasses().size();
        double[] train = new double[c];
        if (CandidateTrainer.hasMixture(set)) {
            long[] counts = SubClusterMapping.classCounts(set.getMixture(), c);
            for (int k = 0; k < c; k++) {
                train[k] = counts[k];
            }
        }
        for (io.edgedistill.schemas.SyntheticSample x : set.getSamples()) {
            if (x.getLabel() >= 0 && x.getLabel() < c) {
                train[x.getLabel()]++;
            }
        }
        return train;
    }

    /**
     * Accumulates a cohort's knowledge: the newest statistics of each class win, classes reported only
     * earlier are kept (an edge running a personalised model reports only what that model still gets wrong).
     */
    static EdgeKnowledge merge(EdgeKnowledge previous, EdgeKnowledge latest) {
        if (previous == null) {
            return latest;
        }
        Map<Integer, KnowledgeClass> byClass = new LinkedHashMap<>();
        for (KnowledgeClass c : previous.getClasses()) {
            byClass.put(c.getClassIndex(), c);
        }
        for (KnowledgeClass c : latest.getClasses()) {
            byClass.put(c.getClassIndex(), c);
        }
        EdgeKnowledge out = EdgeKnowledge.newBuilder(latest).build();
        out.setClasses(new ArrayList<>(byClass.values()));
        if (latest.getClassTotals().isEmpty()) {
            out.setClassTotals(previous.getClassTotals());
        }
        return out;
    }
}
