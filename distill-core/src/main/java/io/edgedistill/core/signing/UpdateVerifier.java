package io.edgedistill.core.signing;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.model.ModelFormatException;
import io.edgedistill.core.trust.KeyTrust;

/**
 * The integrity checks every consumer of a model update runs before using it (docs/design.md §3.5), in this order:
 * signature algorithm, trusted signing key, SHA-256 of the weights, Ed25519 signature over the canonical
 * {@link SignedPayload}, weight format, and that the weights, the preprocessing spec and the class list fit
 * together. Version policy (no replay, no downgrade) is the caller's, since it depends on what it runs.
 * Edges always require a signature; a consumer built with {@link #checksumOnly()} skips the two signature
 * steps (development set-ups without keys). The trusted keys are a {@link KeyTrust}: configured keys overlaid with the
 * operator's signed trust list, so a key can be rotated out at a cut-over version or revoked while running. Thread-safe.
 */
public final class UpdateVerifier {

    /** Why an update was refused. */
    public enum Reason {
        UNSUPPORTED_ALGORITHM, UNTRUSTED_KEY, BAD_CHECKSUM, BAD_SIGNATURE, BAD_FORMAT, INCOMPATIBLE,
        /** Signed by a key the trust list revoked. */
        REVOKED_KEY,
        /** Signed by a rotated-out key at or beyond its cut-over version. */
        RETIRED_KEY
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

    private final KeyTrust trust;
    private final boolean requireSignature;

    private UpdateVerifier(KeyTrust trust, boolean requireSignature) {
        this.trust = trust;
        this.requireSignature = requireSignature;
    }

    /** Requires a valid Ed25519 signature by one of {@code trusted} (key id → key). */
    public static UpdateVerifier signedBy(Map<String, PublicKey> trusted) {
        return new UpdateVerifier(KeyTrust.ofUpdaterKeys(trusted), true);
    }

    /**
     * Requires a valid Ed25519 signature by a key {@code trust} trusts for the update's model id and version; the
     * trust changes as trust lists are applied to it.
     */
    public static UpdateVerifier signedBy(KeyTrust trust) {
        return new UpdateVerifier(trust, true);
    }

    /** Checks everything but the signature (no keys configured). */
    public static UpdateVerifier checksumOnly() {
        return new UpdateVerifier(KeyTrust.ofUpdaterKeys(Map.of()), false);
    }

    public boolean requiresSignature() {
        return requireSignature;
    }

    /** Updater keys trusted now (for some updates at least). */
    public Map<String, PublicKey> trustedKeys() {
        return trust.updaterKeys();
    }

    /** The trust this verifier checks keys against. */
    public KeyTrust trust() {
        return trust;
    }

    /** Whether {@code keyId} may still sign version {@code version} of {@code modelId} (for models already running). */
    public boolean trusts(String keyId, String modelId, long version) {
        return !requireSignature || trust.refusal(keyId, modelId, version).isEmpty();
    }

    public Verified verify(Candidate u) throws Rejected {
        String what = u.modelId() + " v" + u.version();
        if (requireSignature) {
            if (!SignedPayload.ALGORITHM.equals(u.signatureAlgorithm())) {
                throw new Rejected(Reason.UNSUPPORTED_ALGORITHM, what + ": signature algorithm " + u.signatureAlgorithm());
            }
            KeyTrust.Refused refused = trust.refusal(u.signingKeyId(), u.modelId(), u.version()).orElse(null);
            if (refused != null) {
                Reason r = switch (refused.refusal()) {
                    case REVOKED -> Reason.REVOKED_KEY;
                    case RETIRED -> Reason.RETIRED_KEY;
                    case UNTRUSTED -> Reason.UNTRUSTED_KEY;
                };
                throw new Rejected(r, what + ": " + refused.detail());
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
            PublicKey key = trust.updaterKey(u.signingKeyId()).orElse(null);
            if (key == null || !payload.verify(key, u.signature() == null ? new byte[0] : u.signature())) {
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
