package io.edgedistill.schemas.mapping;

import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.mixture.ClassSubClusters;
import io.edgedistill.core.mixture.ColumnLayout;
import io.edgedistill.core.mixture.MixtureOptions;
import io.edgedistill.core.mixture.MixturePrior;
import io.edgedistill.core.mixture.SubCluster;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.schemas.ClassMixture;
import io.edgedistill.schemas.HardSubCluster;
import io.edgedistill.schemas.MixtureComponent;
import io.edgedistill.schemas.SubClusterMoments;

/**
 * Sub-cluster statistics (summary v2) between the wire and the core, for the edges that send them, the processor
 * that pools them into the synthetic set's mixture, and the updater that generates its training rows from that
 * mixture. One reading of each record, here.
 */
public final class SubClusterMapping {

    private SubClusterMapping() {
    }

    /** An edge's sub-clusters of one class, as they go into its {@code ClassSummary}. */
    public static List<SubClusterMoments> toWire(ClassSubClusters classClusters) {
        List<SubClusterMoments> out = new ArrayList<>(classClusters.clusters().size());
        for (SubCluster s : classClusters.clusters()) {
            out.add(SubClusterMoments.newBuilder().setCount(s.count()).setMean(FloatLists.of(s.mean()))
                    .setVariance(FloatLists.of(s.variance())).build());
        }
        return out;
    }

    /** One class of a received summary; {@code wire} null or empty means count only. */
    public static ClassSubClusters fromWire(int classIndex, long count, List<SubClusterMoments> wire) {
        List<SubCluster> clusters = new ArrayList<>();
        if (wire != null) {
            for (SubClusterMoments m : wire) {
                clusters.add(new SubCluster(m.getCount(), FloatLists.toArray(m.getMean()), FloatLists.toArray(m.getVariance())));
            }
        }
        return new ClassSubClusters(classIndex, count, clusters);
    }

    /** A class's hard-sample sub-clusters, as they go into its {@code KnowledgeClass} (knowledge v2); null for none. */
    public static List<HardSubCluster> hardToWire(ClassSubClusters classClusters) {
        if (classClusters.clusters().isEmpty()) {
            return null;
        }
        List<HardSubCluster> out = new ArrayList<>(classClusters.clusters().size());
        for (SubCluster s : classClusters.clusters()) {
            out.add(HardSubCluster.newBuilder().setCount(s.count()).setMean(FloatLists.of(s.mean()))
                    .setVariance(FloatLists.of(s.variance())).build());
        }
        return out;
    }

    /** One class of received knowledge v2: its hard samples' sub-clusters ({@code wire} null or empty: count only). */
    public static ClassSubClusters hardFromWire(int classIndex, long count, List<HardSubCluster> wire) {
        List<SubCluster> clusters = new ArrayList<>();
        if (wire != null) {
            for (HardSubCluster m : wire) {
                clusters.add(new SubCluster(m.getCount(), FloatLists.toArray(m.getMean()), FloatLists.toArray(m.getVariance())));
            }
        }
        return new ClassSubClusters(classIndex, count, clusters);
    }

    /**
     * The count-weighted mixture of the accepted summaries, per class: every component of every edge, and the
     * class's rows over all of them (including edges that sent the class as a count only).
     */
    public static List<ClassMixture> mixtureToWire(List<SubClusterSummary> accepted, int numClasses) {
        List<ClassMixture> out = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            long count = 0;
            List<MixtureComponent> components = new ArrayList<>();
            for (SubClusterSummary s : accepted) {
                ClassSubClusters cc = s.classes().get(c);
                count += cc.count();
                for (SubCluster m : cc.clusters()) {
                    components.add(MixtureComponent.newBuilder().setCount(m.count()).setMean(FloatLists.of(m.mean()))
                            .setVariance(FloatLists.of(m.variance())).build());
                }
            }
            if (count > 0) {
                out.add(ClassMixture.newBuilder().setClassIndex(c).setCount(count).setComponents(components).build());
            }
        }
        return out;
    }

    /** Class rows of a published mixture, in class order (0 for classes it does not list). */
    public static long[] classCounts(List<ClassMixture> mixture, int numClasses) {
        long[] counts = new long[numClasses];
        for (ClassMixture m : mixture) {
            counts[m.getClassIndex()] = m.getCount();
        }
        return counts;
    }

    /**
     * The sampler over a published mixture. The floor was checked when the summaries were accepted, so the
     * components are read with a floor of one row.
     */
    public static MixturePrior mixtureFromWire(List<ClassMixture> mixture, int numClasses, int dim, ColumnLayout layout,
                                               MixtureOptions options) {
        List<List<SubCluster>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (ClassMixture m : mixture) {
            for (MixtureComponent comp : m.getComponents()) {
                byClass.get(m.getClassIndex()).add(new SubCluster(comp.getCount(), FloatLists.toArray(comp.getMean()),
                        FloatLists.toArray(comp.getVariance())));
            }
        }
        List<ClassSubClusters> classes = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            long rows = byClass.get(c).stream().mapToLong(SubCluster::count).sum();
            classes.add(new ClassSubClusters(c, rows, byClass.get(c)));
        }
        return MixturePrior.pool(List.of(new SubClusterSummary("mixture", numClasses, dim, 1, classes)), layout,
                options);
    }
}
