package io.edgedistill.updater.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.edgedistill.schemas.ClassMixture;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.HardSubCluster;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.MixtureComponent;
import io.edgedistill.schemas.SyntheticSet;

/**
 * Novelty the global model adopts, reverse distillation's update of the cloud model: per task and class, the knowledge
 * v2 sub-clusters each edge sent last. A class is adopted once {@code corroborating} distinct edges have sent
 * sub-clusters of it, or when an operator approved it; the benign class only by approval (rows labelled benign where
 * the fleet sees attacks are what a backdoor needs, and the backdoor screen judges data summaries, not knowledge). An
 * adopted class's sub-clusters from every edge that sent them join the set's mixture for the global model's training
 * rows; the publication gate still judges that model on the validation rows, so a novelty that does not help the fleet
 * there is not published. Until then a novelty reaches only the sender's cohort model. The ledger lives in memory: after
 * a restart a class is adopted again once edges report it again (an edge that still underperforms reports on every new
 * model version and round).
 *
 * <p>Not thread-safe: the service serialises its use.
 */
final class NoveltyLedger {
    /** One edge's last report of a class: its sub-clusters, under the preprocessing of the set it arrived with. */
    private record Report(String specSha, List<HardSubCluster> subClusters, long count) {
    }

    private final int corroborating;
    private final Set<String> approved;
    /** task → class name → edge id → its last report. */
    private final Map<String, Map<String, Map<String, Report>>> reports = new LinkedHashMap<>();
    /** task → classes adopted. */
    private final Map<String, Set<String>> adopted = new LinkedHashMap<>();

    /**
     * @param corroborating distinct edges whose knowledge must carry a class before it is adopted (0 = by approval only)
     * @param approved      classes an operator approved (any task)
     */
    NoveltyLedger(int corroborating, Set<String> approved) {
        this.corroborating = corroborating;
        this.approved = Set.copyOf(approved);
    }

    /**
     * Records the sub-clusters of an edge's knowledge, read under {@code set}'s classes; returns the classes this report
     * newly makes adopted.
     *
     * @param benign the benign class's index in the set's classes (-1 = none)
     */
    List<String> record(EdgeKnowledge k, SyntheticSet set, int benign) {
        String task = k.getTaskId();
        List<String> newly = new ArrayList<>();
        for (KnowledgeClass kc : k.getClasses()) {
            int c = kc.getClassIndex();
            List<HardSubCluster> subs = kc.getSubClusters();
            if (c < 0 || c >= set.getClasses().size() || subs == null || subs.isEmpty()
                    || subs.stream().anyMatch(h -> h.getMean().size() != set.getFeatureDim())) {
                continue;
            }
            String cls = set.getClasses().get(c);
            Map<String, Report> byEdge = reports.computeIfAbsent(task, t -> new LinkedHashMap<>())
                    .computeIfAbsent(cls, x -> new LinkedHashMap<>());
            byEdge.put(k.getEdgeId(), new Report(set.getPreprocessingSha256(), List.copyOf(subs),
                    subs.stream().mapToLong(HardSubCluster::getCount).sum()));
            boolean byApproval = approved.contains(cls);
            boolean byEdges = corroborating > 0 && c != benign && byEdge.size() >= corroborating;
            if ((byApproval || byEdges) && adopted.computeIfAbsent(task, t -> new LinkedHashSet<>()).add(cls)) {
                newly.add(cls);
            }
        }
        return newly;
    }

    /**
     * The set with every adopted class's knowledge sub-clusters (those recorded under its preprocessing and width)
     * added to its mixture; the set itself when there are none or it carries no mixture.
     */
    SyntheticSet withAdopted(SyntheticSet set) {
        Set<String> classes = adopted.getOrDefault(set.getTaskId(), Set.of());
        if (classes.isEmpty() || set.getMixture() == null) {
            return set;
        }
        Map<Integer, ClassMixture> byClass = new LinkedHashMap<>();
        for (ClassMixture m : set.getMixture()) {
            byClass.put(m.getClassIndex(), ClassMixture.newBuilder(m).setComponents(new ArrayList<>(m.getComponents())).build());
        }
        boolean added = false;
        for (String cls : classes) {
            int c = set.getClasses().indexOf(cls);
            if (c < 0) {
                continue;
            }
            for (Report r : new java.util.TreeMap<>(reports.get(set.getTaskId()).get(cls)).values()) { // by edge id
                if (!r.specSha().equals(set.getPreprocessingSha256())
                        || r.subClusters().stream().anyMatch(h -> h.getMean().size() != set.getFeatureDim())) {
                    continue;
                }
                ClassMixture m = byClass.computeIfAbsent(c, i -> ClassMixture.newBuilder().setClassIndex(i).setCount(0)
                        .setComponents(new ArrayList<>()).build());
                for (HardSubCluster h : r.subClusters()) {
                    m.getComponents().add(MixtureComponent.newBuilder().setCount(h.getCount()).setMean(h.getMean())
                            .setVariance(h.getVariance()).build());
                }
                m.setCount(m.getCount() + r.count());
                added = true;
            }
        }
        if (!added) {
            return set;
        }
        List<ClassMixture> mixture = new ArrayList<>(byClass.values());
        mixture.sort(java.util.Comparator.comparingInt(ClassMixture::getClassIndex));
        return SyntheticSet.newBuilder(set).setMixture(mixture).build();
    }

    /** "class (edges a, b)" for each adopted class of the set's task, for a history entry; empty when none. */
    String describe(String task) {
        List<String> out = new ArrayList<>();
        for (String cls : adopted.getOrDefault(task, Set.of())) {
            out.add(cls + " (" + (approved.contains(cls) ? "approved; " : "") + "edges "
                    + String.join(", ", reports.get(task).get(cls).keySet()) + ")");
        }
        return String.join("; ", out);
    }
}
