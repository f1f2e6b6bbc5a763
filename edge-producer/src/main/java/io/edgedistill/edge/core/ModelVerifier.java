package io.edgedistill.edge.core;

import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.model.ModelFormatException;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.schemas.ModelUpdate;

/**
 * Checks a model update before an edge may run it: Ed25519 signature by a trusted key over the canonical
 * payload ({@link SignedPayload}), SHA-256 of the weights, the weight format and the preprocessing it
 * assumes. Version policy (no replay, no downgrade) is the {@link ModelSlot}'s job.
 */
public final class ModelVerifier {

    /** Why an update was refused. */
    public enum Reason {
        UNSUPPORTED_ALGORITHM, UNTRUSTED_KEY, BAD_CHECKSUM, BAD_SIGNATURE, BAD_FORMAT, INCOMPATIBLE,
        REPLAY_OR_DOWNGRADE, NOT_FOR_THIS_EDGE
    }

    /** Outcome: the loaded model, or the reason and a detail. */
    public record Verdict(DeployedModel model, Reason reason, String detail) {
        public boolean ok() {
            return model != null;
        }

        static Verdict refuse(Reason r, String detail) {
            return new Verdict(null, r, detail);
        }
    }

    private final Map<String, PublicKey> trusted;

    /** @param trusted key id → public key */
    public ModelVerifier(Map<String, PublicKey> trusted) {
        this.trusted = Map.copyOf(trusted);
    }

    /**
     * Parses trusted keys from configuration entries, each either {@code keyId=base64} or a bare Base64
     * X.509 public key (its id is then {@link Ed25519Keys#keyId}).
     */
    public static ModelVerifier fromConfig(List<String> entries) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (String e : entries == null ? List.<String>of() : entries) {
            String s = e.trim();
            if (s.isEmpty()) {
                continue;
            }
            // in Base64, '=' appears only as trailing padding: an '=' followed by key text separates an id
            int eq = s.indexOf('=');
            if (eq > 0 && !s.substring(eq + 1).replace("=", "").isEmpty()) {
                keys.put(s.substring(0, eq).trim(), Ed25519Keys.decodePublic(s.substring(eq + 1)));
            } else {
                PublicKey k = Ed25519Keys.decodePublic(s);
                keys.put(Ed25519Keys.keyId(k), k);
            }
        }
        return new ModelVerifier(keys);
    }

    public Map<String, PublicKey> trustedKeys() {
        return trusted;
    }

    public List<String> trustedKeyIds() {
        return new ArrayList<>(trusted.keySet());
    }

    public Verdict verify(ModelUpdate u) {
        if (!SignedPayload.ALGORITHM.equals(u.getSignatureAlgorithm())) {
            return Verdict.refuse(Reason.UNSUPPORTED_ALGORITHM, "signature algorithm " + u.getSignatureAlgorithm());
        }
        PublicKey key = trusted.get(u.getSigningKeyId());
        if (key == null) {
            return Verdict.refuse(Reason.UNTRUSTED_KEY, "signing key " + u.getSigningKeyId() + " is not trusted "
                    + trusted.keySet());
        }
        byte[] weights = bytes(u.getWeights());
        String actual = ModelFormat.sha256Hex(weights);
        if (!actual.equals(u.getSha256())) {
            return Verdict.refuse(Reason.BAD_CHECKSUM, "SHA-256 of the weights is " + actual + ", update says "
                    + u.getSha256());
        }
        SignedPayload payload;
        try {
            payload = new SignedPayload(u.getModelId(), u.getVersion(), u.getFormat(), u.getSha256(),
                    u.getSyntheticSetVersion());
        } catch (IllegalArgumentException e) {
            return Verdict.refuse(Reason.BAD_SIGNATURE, "unsignable fields: " + e.getMessage());
        }
        if (!payload.verify(key, bytes(u.getSignature()))) {
            return Verdict.refuse(Reason.BAD_SIGNATURE, "Ed25519 signature does not verify under key "
                    + u.getSigningKeyId());
        }
        if (!u.getFormat().equals("edgedistill-mlp-v" + ModelFormat.VERSION)) {
            return Verdict.refuse(Reason.BAD_FORMAT, "unknown weight format " + u.getFormat());
        }
        MlpModel model;
        try {
            model = ModelFormat.read(weights);
        } catch (ModelFormatException e) {
            return Verdict.refuse(Reason.BAD_FORMAT, e.getMessage());
        }
        FeatureSpec spec;
        try {
            spec = FeatureSpec.fromJson(u.getPreprocessing());
        } catch (RuntimeException e) {
            return Verdict.refuse(Reason.INCOMPATIBLE, "preprocessing spec does not parse: " + e.getMessage());
        }
        if (spec.dim() != model.inputDim()) {
            return Verdict.refuse(Reason.INCOMPATIBLE, "preprocessing width " + spec.dim() + " != model input "
                    + model.inputDim());
        }
        if (u.getClasses().size() != model.numClasses()) {
            return Verdict.refuse(Reason.INCOMPATIBLE, u.getClasses().size() + " classes listed, model has "
                    + model.numClasses() + " outputs");
        }
        return new Verdict(new DeployedModel(u.getModelId(), u.getVersion(), u.getSha256(), model, u.getPreprocessing(),
                spec, List.copyOf(u.getClasses()), u.getSyntheticSetVersion(), Instant.now()), null, "verified");
    }

    static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return new byte[0];
        }
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
