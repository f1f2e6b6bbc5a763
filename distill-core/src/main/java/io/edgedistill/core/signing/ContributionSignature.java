package io.edgedistill.core.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds an edge's contributions (summaries, knowledge, alerts) to the edge that sent them. Kafka ACLs are per
 * topic and a consumer never sees the writing principal, so any edge credential could write under another
 * edge's id; with a key pair per edge, the edge signs every value it writes and the processor accepts a
 * contribution only when it is signed by the key registered for the edge id the contribution claims.
 *
 * <p>The signature is Ed25519 over {@code "edgedistill-contribution-v1\n" + topic + "\n" + value bytes} (the
 * exact serialized value, wire-format header included), so a signed value cannot be moved to another topic
 * or altered; it travels in two record headers, {@link #SIGNER_HEADER} (the key id, UTF-8) and
 * {@link #SIGNATURE_HEADER} (64 bytes). Replaying an edge's own earlier record is not prevented here: the
 * processor's submissions are keyed by (task, round, kind, edge) and a round id is in the signed value.
 */
public final class ContributionSignature {
    public static final String SIGNER_HEADER = "edgedistill-signer";
    public static final String SIGNATURE_HEADER = "edgedistill-signature";
    private static final byte[] DOMAIN = "edgedistill-contribution-v1\n".getBytes(StandardCharsets.UTF_8);

    /** An edge's registered public key. */
    public record EdgeKey(String edgeId, PublicKey key) {
    }

    private ContributionSignature() {
    }

    public static byte[] sign(PrivateKey key, String topic, byte[] value) {
        try {
            Signature s = Ed25519Keys.signature();
            s.initSign(key);
            update(s, topic, value);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + SignedPayload.ALGORITHM, e);
        }
    }

    public static boolean verify(PublicKey key, String topic, byte[] value, byte[] signature) {
        if (signature == null || value == null) {
            return false;
        }
        try {
            Signature s = Ed25519Keys.signature();
            s.initVerify(key);
            update(s, topic, value);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void update(Signature s, String topic, byte[] value) throws GeneralSecurityException {
        s.update(DOMAIN);
        s.update(topic.getBytes(StandardCharsets.UTF_8));
        s.update((byte) '\n');
        s.update(value);
    }

    /**
     * Edge keys from configuration entries {@code edgeId=<Base64 X.509 Ed25519 public key>}, by key id
     * ({@link Ed25519Keys#keyId}); blank entries are skipped, anything else malformed is refused.
     */
    public static Map<String, EdgeKey> parseEdgeKeys(List<String> entries) {
        Map<String, EdgeKey> keys = new LinkedHashMap<>();
        for (String e : entries == null ? List.<String>of() : entries) {
            String s = e.trim();
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.indexOf('=');
            if (eq <= 0 || s.substring(eq + 1).replace("=", "").isBlank()) {
                throw new IllegalArgumentException("an edge key entry is edgeId=<base64 public key>, not '" + s + "'");
            }
            PublicKey k = Ed25519Keys.decodePublic(s.substring(eq + 1));
            keys.put(Ed25519Keys.keyId(k), new EdgeKey(s.substring(0, eq).trim(), k));
        }
        return keys;
    }

    /**
     * Why a contribution must be refused, or empty when it is signed by the key registered for
     * {@code claimedEdgeId}.
     *
     * @param signer    the {@link #SIGNER_HEADER} value (null when absent)
     * @param signature the {@link #SIGNATURE_HEADER} value (null when absent)
     */
    public static Optional<String> check(Map<String, EdgeKey> keys, String topic, byte[] value, String signer,
                                         byte[] signature, String claimedEdgeId) {
        if (signer == null || signature == null) {
            return Optional.of("unsigned: edge contributions must carry the " + SIGNER_HEADER + " and "
                    + SIGNATURE_HEADER + " headers");
        }
        EdgeKey k = keys.get(signer);
        if (k == null) {
            return Optional.of("signed by unknown key " + signer);
        }
        if (!k.edgeId().equals(claimedEdgeId)) {
            return Optional.of("signed by " + k.edgeId() + "'s key (" + signer + ") but claims edge " + claimedEdgeId);
        }
        if (!verify(k.key(), topic, value, signature)) {
            return Optional.of("signature of " + k.edgeId() + " (" + signer + ") does not verify over the value");
        }
        return Optional.empty();
    }
}
