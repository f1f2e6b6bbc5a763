package io.edgedistill.processor.service;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.model.ModelFormatException;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.schemas.ModelUpdate;

/**
 * A verified, loaded model update: the MLP, the preprocessing it assumes and its class list.
 *
 * @param benignIndex index of the benign class ("Benign", "normal"), -1 if none
 */
public record LiveModel(String modelId, long version, String sha256, MlpModel model, BatchedMlp forward,
                        FlowVectorizer vectorizer, List<String> classes, int benignIndex) {

    /** Thrown when an update fails verification; the message is the reason. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message);
        }
    }

    /**
     * Verifies and loads an update: SHA-256 of the weights equals the declared one, the weights parse in the
     * distill-core model format, the preprocessing spec parses and its width equals the model's input, and
     * the class list matches the output width. (The Ed25519 signature is verified by edges; the processor
     * has no key configured.)
     */
    public static LiveModel load(ModelUpdate u) throws Rejected {
        byte[] weights = new byte[u.getWeights().remaining()];
        u.getWeights().duplicate().get(weights);
        String actual = HexFormat.of().formatHex(ModelFormat.sha256(weights));
        String declared = u.getSha256().toString().trim().toLowerCase(Locale.ROOT);
        if (!actual.equals(declared)) {
            throw new Rejected("SHA-256 mismatch for model " + u.getModelId() + " v" + u.getVersion()
                    + ": declared " + declared + ", weights hash to " + actual + " (tampered or corrupted)");
        }
        MlpModel model;
        try {
            model = ModelFormat.read(weights);
        } catch (ModelFormatException e) {
            throw new Rejected("model " + u.getModelId() + " v" + u.getVersion() + " does not parse: " + e.getMessage());
        }
        String json = u.getPreprocessing().toString();
        if (json.isBlank()) {
            throw new Rejected("model " + u.getModelId() + " v" + u.getVersion() + " carries no preprocessing spec");
        }
        FeatureSpec spec;
        try {
            spec = FeatureSpec.fromJson(json);
        } catch (RuntimeException e) {
            throw new Rejected("preprocessing spec of " + u.getModelId() + " v" + u.getVersion() + " does not parse: " + e);
        }
        if (spec.dim() != model.inputDim()) {
            throw new Rejected("preprocessing width " + spec.dim() + " != model input " + model.inputDim());
        }
        List<String> classes = u.getClasses().stream().map(CharSequence::toString).toList();
        if (classes.size() != model.numClasses()) {
            throw new Rejected("class list of " + classes.size() + " != model output " + model.numClasses());
        }
        int benign = -1;
        for (int i = 0; i < classes.size(); i++) {
            String c = classes.get(i).toLowerCase(Locale.ROOT);
            if (c.equals("benign") || c.equals("normal")) {
                benign = i;
            }
        }
        return new LiveModel(u.getModelId().toString(), u.getVersion(), actual, model, new BatchedMlp(model),
                new FlowVectorizer(spec),
                classes, benign);
    }
}
