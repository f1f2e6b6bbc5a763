package io.edgedistill.edge.core;

import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.UpdateVerifier;
import io.edgedistill.schemas.ModelUpdate;

/**
 * Checks a model update before an edge may run it, with the shared {@link UpdateVerifier} (Ed25519 signature
 * by a trusted key over the canonical payload, SHA-256 of the weights, the weight format and the
 * preprocessing it assumes); an edge always requires the signature. Version policy (no replay, no downgrade)
 * is the {@link ModelSlot}'s job.
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

    private final UpdateVerifier checks;

    /** @param trusted key id → public key */
    public ModelVerifier(Map<String, PublicKey> trusted) {
        this.checks = UpdateVerifier.signedBy(trusted);
    }

    /**
     * Parses trusted keys from configuration entries, each either {@code keyId=base64} or a bare Base64
     * X.509 public key (its id is then {@link Ed25519Keys#keyId}).
     */
    public static ModelVerifier fromConfig(List<String> entries) {
        return new ModelVerifier(Ed25519Keys.parseTrusted(entries));
    }

    public Map<String, PublicKey> trustedKeys() {
        return checks.trustedKeys();
    }

    public List<String> trustedKeyIds() {
        return new ArrayList<>(checks.trustedKeys().keySet());
    }

    public Verdict verify(ModelUpdate u) {
        UpdateVerifier.Verified v;
        try {
            v = checks.verify(candidate(u));
        } catch (UpdateVerifier.Rejected e) {
            return Verdict.refuse(Reason.valueOf(e.reason().name()), e.getMessage());
        }
        return new Verdict(new DeployedModel(u.getModelId(), u.getVersion(), u.getSha256(), v.model(), u.getPreprocessing(),
                v.spec(), List.copyOf(u.getClasses()), u.getSyntheticSetVersion(), Instant.now()), null, "verified");
    }

    /** The fields of an update that {@link UpdateVerifier} checks. */
    public static UpdateVerifier.Candidate candidate(ModelUpdate u) {
        return new UpdateVerifier.Candidate(u.getModelId(), u.getVersion(), u.getFormat(), u.getSha256(),
                u.getSyntheticSetVersion(), u.getSignatureAlgorithm(), u.getSigningKeyId(), bytes(u.getSignature()),
                bytes(u.getWeights()), u.getPreprocessing(), List.copyOf(u.getClasses()), List.copyOf(u.getAudience()));
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
