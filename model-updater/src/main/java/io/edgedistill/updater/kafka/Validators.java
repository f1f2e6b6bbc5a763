package io.edgedistill.updater.kafka;

import java.util.ArrayList;
import java.util.List;

import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSample;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.dlq.ContractChecks;
import io.edgedistill.schemas.dlq.RecordValidator;

/** Semantic checks of the records the updater consumes; failures go to the dead-letter topic. */
public final class Validators {
    private Validators() {
    }

    public static final RecordValidator<SyntheticSet> SYNTHETIC_SET = s -> {
        List<String> v = new ArrayList<>();
        int c = s.getClasses().size();
        if (c < 2) {
            v.add("fewer than 2 classes");
        }
        if (s.getFeatureDim() <= 0) {
            v.add("featureDim " + s.getFeatureDim() + " not positive");
        }
        if (s.getSamples().isEmpty()) {
            v.add("no samples");
        }
        int i = 0;
        for (SyntheticSample x : s.getSamples()) {
            if (x.getLabel() < 0 || x.getLabel() >= c) {
                v.add("sample " + i + " label " + x.getLabel() + " outside [0," + c + ")");
            }
            if (x.getFeatures().size() != s.getFeatureDim()) {
                v.add("sample " + i + " has " + x.getFeatures().size() + " features, featureDim " + s.getFeatureDim());
            } else {
                for (Float f : x.getFeatures()) {
                    if (f == null || !Float.isFinite(f)) {
                        v.add("sample " + i + " has a non-finite feature");
                        break;
                    }
                }
            }
            if (v.size() > 5) {
                break;
            }
            i++;
        }
        return v;
    };

    public static final RecordValidator<EdgeKnowledge> KNOWLEDGE = k -> {
        List<String> v = new ArrayList<>();
        if (k.getEdgeId().isBlank()) {
            v.add("empty edgeId");
        }
        for (KnowledgeClass kc : k.getClasses()) {
            if (kc.getClassIndex() < 0) {
                v.add("negative classIndex");
            }
            if (kc.getCount() < 0) {
                v.add("negative count");
            }
            if (kc.getInputMean() != null && kc.getInputVar() != null
                    && kc.getInputMean().size() != kc.getInputVar().size()) {
                v.add("inputMean and inputVar differ in length for class " + kc.getClassIndex());
            }
            if (kc.getInputMean() != null && kc.getInputMean().stream().anyMatch(f -> f == null || !Float.isFinite(f))) {
                v.add("non-finite inputMean for class " + kc.getClassIndex());
            }
        }
        return v;
    };

    public static final RecordValidator<RoundSpec> ROUND = ContractChecks.ROUND;

    public static final RecordValidator<ModelUpdate> MODEL_UPDATE = ContractChecks.MODEL_UPDATE;
}
