package io.edgedistill.schemas.dlq;

import java.util.ArrayList;
import java.util.List;

import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSample;
import io.edgedistill.schemas.SyntheticSet;

/**
 * Structural checks of the cloud's own outputs that every consumer applies before using them (edges,
 * processor, updater); failing records go to the dead-letter topic. Services add their own checks on top.
 */
public final class ContractChecks {
    private ContractChecks() {
    }

    /** A round that can be answered: positive and bounded network dimensions, classes, a preprocessing spec, sane DP settings. */
    public static final RecordValidator<RoundSpec> ROUND = r -> {
        List<String> v = new ArrayList<>();
        if (r.getTaskId().isBlank()) {
            v.add("empty taskId");
        }
        if (r.getRoundId() < 1) {
            v.add("roundId " + r.getRoundId() + " < 1");
        }
        var n = r.getNetwork();
        if (n.getCount() <= 0 || n.getInputDim() <= 0 || n.getHiddenDim() <= 0 || n.getEmbedDim() <= 0) {
            v.add("non-positive network dimensions K=" + n.getCount() + " d=" + n.getInputDim() + " h="
                    + n.getHiddenDim() + " e=" + n.getEmbedDim());
        }
        if ((long) n.getCount() * n.getEmbedDim() > 1 << 20 || (long) n.getCount() * n.getHiddenDim() > 1 << 20) {
            v.add("network family too large to evaluate at an edge");
        }
        if (n.getActivation().isBlank()) {
            v.add("no activation");
        }
        if (r.getClasses().isEmpty()) {
            v.add("no classes");
        }
        if (r.getPreprocessing().getJson().isBlank()) {
            v.add("no preprocessing spec");
        }
        var p = r.getPrivacy();
        if (p != null && p.getEnabled() && (!(p.getEpsilon() > 0) || !(p.getDelta() > 0 && p.getDelta() < 1)
                || !(p.getClipNorm() > 0))) {
            v.add("privacy enabled with invalid epsilon/delta/clipNorm " + p.getEpsilon() + "/" + p.getDelta() + "/"
                    + p.getClipNorm());
        }
        return v;
    };

    /** Structural checks of a model update; signature, checksum and versions are checked by its consumers. */
    public static final RecordValidator<ModelUpdate> MODEL_UPDATE = u -> {
        List<String> v = new ArrayList<>();
        if (u.getModelId().isBlank()) {
            v.add("empty modelId");
        }
        if (u.getVersion() < 1) {
            v.add("version " + u.getVersion() + " < 1");
        }
        if (u.getWeights() == null || !u.getWeights().hasRemaining()) {
            v.add("no weights");
        }
        return v;
    };

    /** A usable synthetic set: at least 2 classes, samples with in-range labels and featureDim finite features. */
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
}
