package io.edgedistill.edge.core;

import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.UpdateVerifier;
import io.edgedistill.core.trust.KeyTrust;
import io.edgedistill.core.trust.SignedTrustList;
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
        REVOKED_KEY, RETIRED_KEY, REPLAY_OR_DOWNGRADE, NOT_FOR_THIS_EDGE
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
    private final Map<String, PublicKey> roots;

    /** @param trusted key id → public key */
    public ModelVerifier(Map<String, PublicKey> trusted) {
        this(KeyTrust.ofUpdaterKeys(trusted));
    }

    /** Trusts what {@code trust} trusts, as trust lists are applied to it; applies none. */
    public ModelVerifier(KeyTrust trust) {
        this(trust, Map.of());
    }

    /**
     * Trusts what {@code trust} trusts and applies the trust lists signed by one of {@code roots} (the operator's
     * root keys, key id → key).
     */
    public ModelVerifier(KeyTrust trust, Map<String, PublicKey> roots) {
        this.checks = UpdateVerifier.signedBy(trust);
        this.roots = Map.copyOf(roots);
    }

    /** Whether this verifier follows the operator's trust lists (root keys configured). */
    public boolean followsTrustLists() {
        return !roots.isEmpty();
    }

    /**
     * Applies a trust list from {@code keys.trust}: verified under a root key and newer than the one applied.
     *
     * @return whether it changed the trust (false for an older or equal list)
     * @throws SignedTrustList.Refused when no root key verifies it, or it is not a valid list
     */
    public boolean apply(SignedTrustList list) throws SignedTrustList.Refused {
        if (roots.isEmpty()) {
            throw new SignedTrustList.Refused("this edge has no root key (edge.trust.root-keys): trust lists are not followed");
        }
        return checks.trust().apply(list.verify(roots));
    }

    /**
     * Parses trusted keys from configuration entries, each either {@code keyId=base64} or a bare Base64
     * X.509 public key (its id is then {@link Ed25519Keys#keyId}).
     */
    public static ModelVerifier fromConfig(List<String> entries) {
        return new ModelVerifier(Ed25519Keys.parseTrusted(entries));
    }

    /** The keys this verifier trusts (apply a trust list to it to change them). */
    public KeyTrust trust() {
        return checks.trust();
    }

    /** Whether the key that signed {@code m} may still sign it (it was not revoked, nor retired below its version). */
    public boolean stillTrusted(DeployedModel m) {
        return m.signingKeyId() == null || checks.trusts(m.signingKeyId(), m.modelId(), m.version());
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
                v.spec(), List.copyOf(u.getClasses()), u.getSyntheticSetVersion(), Instant.now(), u.getSigningKeyId()), null,
                "verified");
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
