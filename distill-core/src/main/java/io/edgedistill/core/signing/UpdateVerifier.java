package io.edgedistill.core.signing;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.model.ModelFormatException;

/**
 * The integrity checks every consumer of a model update runs before using it (docs/design.md §3.5), in this order:
 * signature algorithm, trusted signing key, SHA-256 of the weights, Ed25519 signature over the canonical
 * {@link SignedPayload}, weight format, and that the weights, the preprocessing spec and the class list fit
 * together. Version policy (no replay, no downgrade) is the caller's, since it depends on what it runs.
 * Edges always require a signature; a consumer built with {@link #checksumOnly()} skips the two signature
 * steps (development set-ups without keys). Thread-safe.
 */
public final class UpdateVerifier {

    /** Why an update was refused. */
    public enum Reason {
        UNSUPPORTED_ALGORITHM, UNTRUSTED_KEY, BAD_CHECKSUM, BAD_SIGNATURE, BAD_FORMAT, INCOMPATIBLE
    }

    /**
     * The fields of an update that the checks read (decoupled from the Avro record).
     *
     * @param audience the edge ids the update is for (signed with it); empty for every edge
     */
    public record Candidate(String modelId, long version, String format, String sha256Hex, long syntheticSetVersion,
                            String signatureAlgorithm, String signingKeyId, byte[] signature, byte[] weights,
                            String preprocessingJson, List<String> classes, List<String> audience) {
        public Candidate {
            audience = audience == null ? List.of() : List.copyOf(audience);
        }

        /** An update for every edge. */
        public Candidate(String modelId, long version, String format, String sha256Hex, long syntheticSetVersion,
                         String signatureAlgorithm, String signingKeyId, byte[] signature, byte[] weights,
                         String preprocessingJson, List<String> classes) {
            this(modelId, version, format, sha256Hex, syntheticSetVersion, signatureAlgorithm, signingKeyId, signature,
                    weights, preprocessingJson, classes, List.of());
        }
    }

    /** A verified update: the loaded weights and the preprocessing they assume. */
    public record Verified(MlpModel model, FeatureSpec spec) {
    }

    /** A refused update. */
    public static final class Rejected extends Exception {
        private final Reason reason;

        public Rejected(Reason reason, String detail) {
            super(detail);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    /** The weight format this build reads. */
    public static final String FORMAT = "edgedistill-mlp-v" + ModelFormat.VERSION;

    private final Map<String, PublicKey> trusted;
    private final boolean requireSignature;

    private UpdateVerifier(Map<String, PublicKey> trusted, boolean requireSignature) {
        this.trusted = Map.copyOf(trusted);
        this.requireSignature = requireSignature;
    }

    /** Requires a valid Ed25519 signature by one of {@code trusted} (key id → key). */
    public static UpdateVerifier signedBy(Map<String, PublicKey> trusted) {
        return new UpdateVerifier(trusted, true);
    }

    /** Checks everything but the signature (no keys configured). */
    public static UpdateVerifier checksumOnly() {
        return new UpdateVerifier(Map.of(), false);
    }

    public boolean requiresSignature() {
        return requireSignature;
    }

    public Map<String, PublicKey> trustedKeys() {
        return trusted;
    }

    public Verified verify(Candidate u) throws Rejected {
        String what = u.modelId() + " v" + u.version();
        if (requireSignature) {
            if (!SignedPayload.ALGORITHM.equals(u.signatureAlgorithm())) {
                throw new Rejected(Reason.UNSUPPORTED_ALGORITHM, what + ": signature algorithm " + u.signatureAlgorithm());
            }
            if (!trusted.containsKey(u.signingKeyId())) {
                throw new Rejected(Reason.UNTRUSTED_KEY, what + ": signing key " + u.signingKeyId() + " is not trusted "
                        + trusted.keySet());
            }
        }
        byte[] weights = u.weights() == null ? new byte[0] : u.weights();
        String actual = ModelFormat.sha256Hex(weights);
        if (!actual.equals(u.sha256Hex())) {
            throw new Rejected(Reason.BAD_CHECKSUM, what + ": SHA-256 of the weights is " + actual + ", the update says "
                    + u.sha256Hex() + " (tampered or corrupted)");
        }
        if (requireSignature) {
            SignedPayload payload;
            try {
                payload = new SignedPayload(u.modelId(), u.version(), u.format(), u.sha256Hex(), u.syntheticSetVersion(),
                        u.audience());
            } catch (IllegalArgumentException e) {
                throw new Rejected(Reason.BAD_SIGNATURE, what + ": unsignable fields: " + e.getMessage());
            }
            if (!payload.verify(trusted.get(u.signingKeyId()), u.signature() == null ? new byte[0] : u.signature())) {
                throw new Rejected(Reason.BAD_SIGNATURE, what + ": Ed25519 signature does not verify under key "
                        + u.signingKeyId());
            }
        }
        if (!FORMAT.equals(u.format())) {
            throw new Rejected(Reason.BAD_FORMAT, what + ": unknown weight format " + u.format());
        }
        MlpModel model;
        try {
            model = ModelFormat.read(weights);
        } catch (ModelFormatException e) {
            throw new Rejected(Reason.BAD_FORMAT, what + " does not parse: " + e.getMessage());
        }
        if (u.preprocessingJson() == null || u.preprocessingJson().isBlank()) {
            throw new Rejected(Reason.INCOMPATIBLE, what + " carries no preprocessing spec");
        }
        FeatureSpec spec;
        try {
            spec = FeatureSpec.fromJson(u.preprocessingJson());
        } catch (RuntimeException e) {
            throw new Rejected(Reason.INCOMPATIBLE, what + ": preprocessing spec does not parse: " + e.getMessage());
        }
        if (spec.dim() != model.inputDim()) {
            throw new Rejected(Reason.INCOMPATIBLE, what + ": preprocessing width " + spec.dim() + " != model input "
                    + model.inputDim());
        }
        if (u.classes().size() != model.numClasses()) {
            throw new Rejected(Reason.INCOMPATIBLE, what + ": " + u.classes().size() + " classes listed, the model has "
                    + model.numClasses() + " outputs");
        }
        return new Verified(model, spec);
    }
}
