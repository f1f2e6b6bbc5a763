package io.edgedistill.processor.scoring;

import java.util.List;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.signing.UpdateVerifier;
import io.edgedistill.schemas.ModelUpdate;

/**
 * A verified, loaded model update: the MLP, the preprocessing it assumes and its class list.
 *
 * @param benignIndex index of the benign class (the data description's {@code benign}, else "Benign" or "normal"), -1 if none
 */
public record LiveModel(String modelId, long version, String sha256, MlpModel model, BatchedMlp forward,
                        FlowVectorizer vectorizer, List<String> classes, int benignIndex) {

    /** Thrown when an update fails verification; the message is the reason. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message);
        }
    }

    /** Verifies and loads an update with the checks of {@link UpdateVerifier} (checksum only, no keys). */
    public static LiveModel load(ModelUpdate u) throws Rejected {
        return load(u, UpdateVerifier.checksumOnly());
    }

    /**
     * Verifies and loads an update with the shared {@link UpdateVerifier}: signature by a trusted key (when
     * the verifier has keys), SHA-256 of the weights, weight format, preprocessing spec and class list.
     */
    public static LiveModel load(ModelUpdate u, UpdateVerifier verifier) throws Rejected {
        UpdateVerifier.Candidate candidate = new UpdateVerifier.Candidate(u.getModelId(), u.getVersion(), u.getFormat(),
                u.getSha256(), u.getSyntheticSetVersion(), u.getSignatureAlgorithm(), u.getSigningKeyId(),
                bytes(u.getSignature()), bytes(u.getWeights()), u.getPreprocessing(), List.copyOf(u.getClasses()),
                List.copyOf(u.getAudience()));
        UpdateVerifier.Verified v;
        try {
            v = verifier.verify(candidate);
        } catch (UpdateVerifier.Rejected e) {
            throw new Rejected(e.reason() + ": " + e.getMessage());
        }
        MlpModel model = v.model();
        FeatureSpec spec = v.spec();
        List<String> classes = candidate.classes();
        int benign = FeatureSpec.benignIndex(classes, spec.benignClass());
        return new LiveModel(u.getModelId(), u.getVersion(), u.getSha256(), model, new BatchedMlp(model),
                new FlowVectorizer(spec),
                classes, benign);
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        if (b == null) {
            return new byte[0];
        }
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
