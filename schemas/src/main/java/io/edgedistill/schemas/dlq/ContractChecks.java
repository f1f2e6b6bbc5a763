package io.edgedistill.schemas.dlq;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.edgedistill.schemas.ClassMixture;
import io.edgedistill.schemas.KeyTrustList;
import io.edgedistill.schemas.MixtureComponent;
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

    /** A trust list with the parts its verification needs (the signature itself is checked under the root keys). */
    public static final RecordValidator<KeyTrustList> TRUST_LIST = t -> {
        List<String> v = new ArrayList<>();
        if (t.getPayload().isBlank()) {
            v.add("empty payload");
        }
        if (t.getPayload().length() > 1_000_000) {
            v.add("payload of " + t.getPayload().length() + " characters (at most 1,000,000)");
        }
        if (t.getRootKeyId().isBlank()) {
            v.add("no root key id");
        }
        if (t.getSignature().remaining() != 64) {
            v.add("signature of " + t.getSignature().remaining() + " bytes (Ed25519: 64)");
        }
        return v;
    };

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
        if (s.getMixture() != null) {
            mixture(v, s.getMixture(), c, s.getFeatureDim());
        }
        return v;
    };

    /** A set's sub-cluster mixture: known classes once each, components of featureDim finite values, variances ≥ 0. */
    private static void mixture(List<String> v, List<ClassMixture> mixture, int numClasses, int dim) {
        Set<Integer> seen = new HashSet<>();
        for (ClassMixture m : mixture) {
            int ci = m.getClassIndex();
            if (ci < 0 || ci >= numClasses || !seen.add(ci)) {
                v.add("mixture class " + ci + " outside [0," + numClasses + ") or repeated");
                return;
            }
            long rows = 0;
            for (MixtureComponent comp : m.getComponents()) {
                rows += comp.getCount();
                if (comp.getCount() < 1 || comp.getMean().size() != dim || comp.getVariance().size() != dim) {
                    v.add("mixture class " + ci + ": a component of " + comp.getCount() + " rows with "
                            + comp.getMean().size() + "/" + comp.getVariance().size() + " values, featureDim " + dim);
                    return;
                }
                for (int j = 0; j < dim; j++) {
                    Float mean = comp.getMean().get(j);
                    Float var = comp.getVariance().get(j);
                    if (mean == null || var == null || !Float.isFinite(mean) || !Float.isFinite(var) || var < 0) {
                        v.add("mixture class " + ci + ": a component with a non-finite mean or a negative variance");
                        return;
                    }
                }
            }
            if (rows > m.getCount()) {
                v.add("mixture class " + ci + ": components hold " + rows + " rows, the class " + m.getCount());
                return;
            }
        }
    }
}
