package io.edgedistill.updater.kafka;

import java.util.ArrayList;
import java.util.List;

import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.dlq.ContractChecks;
import io.edgedistill.schemas.dlq.RecordValidator;

/** Semantic checks of the records the updater consumes; failures go to the dead-letter topic. */
public final class Validators {
    private Validators() {
    }

    public static final RecordValidator<SyntheticSet> SYNTHETIC_SET = ContractChecks.SYNTHETIC_SET;

    /**
     * Knowledge the updater can use without knowing the round: an edge id, classes with non-negative distinct
     * indices and counts ≥ 1, vectors of K·e (means, second moments) or equal (input moments) length with finite
     * values; knowledge v2's sub-clusters consistent with their class and its confusion matrix square. The processor
     * checks the rest against the current round and dead-letters what fails there.
     */
    /** The largest row count a knowledge record may claim (an edge's window holds far fewer). */
    public static final long MAX_COUNT = 1L << 40;

    public static final RecordValidator<EdgeKnowledge> KNOWLEDGE = k -> {
        List<String> v = new ArrayList<>();
        if (k.getEdgeId().isBlank()) {
            v.add("empty edgeId");
        }
        if (k.getClasses().isEmpty()) {
            v.add("no classes");
        }
        int len = k.getNumNetworks() * k.getEmbedDim();
        if (k.getNumNetworks() <= 0 || k.getEmbedDim() <= 0) {
            v.add("non-positive numNetworks/embedDim " + k.getNumNetworks() + "/" + k.getEmbedDim());
        }
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (KnowledgeClass kc : k.getClasses()) {
            int c = kc.getClassIndex();
            if (c < 0 || !seen.add(c)) {
                v.add("classIndex " + c + " negative or repeated");
            }
            if (kc.getCount() < 1) {
                v.add("class " + c + ": count " + kc.getCount() + " < 1");
            }
            if (kc.getTotal() < 0 || kc.getMisclassified() < 0 || kc.getMisclassified() > kc.getCount()
                    || kc.getTotal() > MAX_COUNT) {
                v.add("class " + c + ": total " + kc.getTotal() + " or misclassified " + kc.getMisclassified()
                        + " out of range (0 to " + MAX_COUNT + ", misclassified at most the count)");
            }
            finite(v, "class " + c + " means", kc.getMeans(), len);
            finite(v, "class " + c + " secondMoments", kc.getSecondMoments(), len);
            int dIn = kc.getInputMean() == null ? -1 : kc.getInputMean().size();
            finite(v, "class " + c + " inputMean", kc.getInputMean(), dIn);
            finite(v, "class " + c + " inputVar", kc.getInputVar(), dIn);
            subClusters(v, c, kc);
            if (v.size() > 5) {
                break;
            }
        }
        if (k.getClassTotals().stream().anyMatch(t -> t == null || t < 0 || t > MAX_COUNT)) {
            v.add("classTotals holds a count out of range (0 to " + MAX_COUNT + ")");
        }
        List<List<Long>> confusion = k.getConfusion();
        for (List<Long> row : confusion) {
            if (row.size() != confusion.size() || row.stream().anyMatch(x -> x == null || x < 0)) {
                v.add("confusion is not a square matrix of counts (" + confusion.size() + " rows)");
                break;
            }
        }
        return v;
    };

    /**
     * Knowledge v2 against its round's privacy floor k_min ({@code RoundSpec.subClusters.minRows}): every sub-cluster
     * holds at least k_min hard samples, as the edge's fit guarantees; one that holds fewer describes too few rows.
     */
    public static List<String> privacyFloor(EdgeKnowledge k, int minRows) {
        List<String> v = new ArrayList<>();
        for (KnowledgeClass kc : k.getClasses()) {
            List<io.edgedistill.schemas.HardSubCluster> subs = kc.getSubClusters();
            if (subs != null && subs.stream().anyMatch(h -> h.getCount() < minRows)) {
                v.add("class " + kc.getClassIndex() + ": a sub-cluster of fewer than the round's " + minRows
                        + " rows (privacy floor)");
            }
        }
        return v;
    }

    /**
     * Knowledge v2's sub-clusters of a class: counts ≥ 1 summing to the class's count, means and variances of one
     * width with finite values, variances ≥ 0.
     */
    private static void subClusters(List<String> v, int c, KnowledgeClass kc) {
        List<io.edgedistill.schemas.HardSubCluster> subs = kc.getSubClusters();
        if (subs == null || subs.isEmpty()) {
            return;
        }
        int d = subs.get(0).getMean().size();
        long sum = 0;
        for (io.edgedistill.schemas.HardSubCluster h : subs) {
            sum += h.getCount();
            if (h.getCount() < 1 || h.getCount() > MAX_COUNT || d == 0 || h.getMean().size() != d || h.getVariance().size() != d) {
                v.add("class " + c + ": a sub-cluster with count " + h.getCount() + " or width other than " + d);
                return;
            }
            finite(v, "class " + c + " sub-cluster mean", h.getMean(), d);
            finite(v, "class " + c + " sub-cluster variance", h.getVariance(), d);
            if (h.getVariance().stream().anyMatch(x -> x != null && x < 0)) {
                v.add("class " + c + ": a sub-cluster with a negative variance");
                return;
            }
        }
        if (sum != kc.getCount()) {
            v.add("class " + c + ": sub-cluster counts sum to " + sum + ", class count " + kc.getCount());
        }
    }

    private static void finite(List<String> v, String what, List<Float> values, int expected) {
        if (values == null) {
            return;
        }
        if (expected >= 0 && values.size() != expected) {
            v.add(what + " has " + values.size() + " floats, expected " + expected);
            return;
        }
        for (Float f : values) {
            if (f == null || !Float.isFinite(f)) {
                v.add(what + " has a non-finite value");
                return;
            }
        }
    }

    public static final RecordValidator<RoundSpec> ROUND = ContractChecks.ROUND;

    public static final RecordValidator<ModelUpdate> MODEL_UPDATE = ContractChecks.MODEL_UPDATE;

    /** A status the staged rollout can use: an edge and a task named, a hold-out score that is a score (0 to 1). */
    public static final RecordValidator<EdgeStatus> STATUS = st -> {
        List<String> v = new ArrayList<>();
        if (st.getEdgeId().isBlank() || st.getTaskId().isBlank()) {
            v.add("empty edgeId or taskId");
        }
        if (!st.getEdgeId().matches("[A-Za-z0-9_.-]+")) {
            v.add("edgeId " + st.getEdgeId() + " is not an edge id (letters, digits, '.', '_', '-')");
        }
        Double f = st.getHoldOutMacroF1();
        if (f != null && !(f >= 0 && f <= 1)) {
            v.add("holdOutMacroF1 " + f + " is not in [0, 1]");
        }
        return v;
    };
}
