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
     * values. The processor checks the rest against the current round and dead-letters what fails there.
     */
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
            finite(v, "class " + c + " means", kc.getMeans(), len);
            finite(v, "class " + c + " secondMoments", kc.getSecondMoments(), len);
            int dIn = kc.getInputMean() == null ? -1 : kc.getInputMean().size();
            finite(v, "class " + c + " inputMean", kc.getInputMean(), dIn);
            finite(v, "class " + c + " inputVar", kc.getInputVar(), dIn);
            if (v.size() > 5) {
                break;
            }
        }
        return v;
    };

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
