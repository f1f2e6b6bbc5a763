package io.edgedistill.edge.core;

import java.util.ArrayList;
import java.util.List;

import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.dlq.RecordValidator;

/** Semantic checks of what an edge consumes; failing records go to the dead-letter topic with the reason. */
public final class Validators {
    private Validators() {
    }

    /** A round the edge can answer: positive dimensions, classes, a preprocessing spec, sane DP settings. */
    public static final RecordValidator<RoundSpec> ROUND = r -> {
        List<String> v = new ArrayList<>();
        var n = r.getNetwork();
        if (n.getCount() <= 0 || n.getInputDim() <= 0 || n.getHiddenDim() <= 0 || n.getEmbedDim() <= 0) {
            v.add("non-positive network dimensions K=" + n.getCount() + " d=" + n.getInputDim() + " h="
                    + n.getHiddenDim() + " e=" + n.getEmbedDim());
        }
        if ((long) n.getCount() * n.getEmbedDim() > 1 << 20 || (long) n.getCount() * n.getHiddenDim() > 1 << 20) {
            v.add("network family too large to evaluate at an edge");
        }
        try {
            io.edgedistill.core.nn.Activation.valueOf(n.getActivation().trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            v.add("unknown activation " + n.getActivation());
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

    /** Structural checks only; signature, checksum and versions are the {@link ModelSlot}'s job. */
    public static final RecordValidator<ModelUpdate> MODEL_UPDATE = u -> {
        List<String> v = new ArrayList<>();
        if (u.getModelId().isBlank()) {
            v.add("empty modelId");
        }
        if (u.getWeights() == null || !u.getWeights().hasRemaining()) {
            v.add("no weights");
        }
        return v;
    };
}
