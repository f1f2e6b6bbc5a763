package io.edgedistill.core.trust;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Map;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.SignedPayload;

/**
 * A {@link TrustList} as it travels: its canonical JSON, the id of the root key that signed it and the Ed25519
 * signature over a domain tag and the JSON's UTF-8 bytes. The root key is the operator's and stays offline; edges and
 * the processor hold its public key ({@code edge.trust.root-keys}, {@code processor.trust.root-keys}).
 */
public record SignedTrustList(String payload, String rootKeyId, byte[] signature) {
    private static final byte[] DOMAIN = "edgedistill-trust-list-v1\n".getBytes(StandardCharsets.UTF_8);

    /** Why a trust list is not applied. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** A list as a record carries it, the signature in a buffer (copied; the buffer's position is left as it is). */
    public static SignedTrustList of(String payload, String rootKeyId, java.nio.ByteBuffer signature) {
        java.nio.ByteBuffer d = signature.duplicate();
        byte[] sig = new byte[d.remaining()];
        d.get(sig);
        return new SignedTrustList(payload, rootKeyId, sig);
    }

    /** Signs {@code list} with the root key pair. */
    public static SignedTrustList sign(TrustList list, KeyPair root) {
        String json = list.toJson();
        try {
            Signature s = Ed25519Keys.signature();
            s.initSign(root.getPrivate());
            s.update(DOMAIN);
            s.update(json.getBytes(StandardCharsets.UTF_8));
            return new SignedTrustList(json, Ed25519Keys.keyId(root.getPublic()), s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a trust list", e);
        }
    }

    /** The list, if a key of {@code roots} (key id → key) signed it. */
    public TrustList verify(Map<String, PublicKey> roots) throws Refused {
        PublicKey root = roots.get(rootKeyId);
        if (root == null) {
            throw new Refused("trust list signed by " + rootKeyId + ", which is not a trusted root " + roots.keySet());
        }
        boolean ok;
        try {
            Signature s = Ed25519Keys.signature();
            s.initVerify(root);
            s.update(DOMAIN);
            s.update(payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8));
            ok = signature != null && s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            ok = false;
        }
        if (!ok) {
            throw new Refused("the trust list's signature does not verify under root key " + rootKeyId);
        }
        try {
            return TrustList.fromJson(payload);
        } catch (IllegalArgumentException e) {
            throw new Refused("signed, but not a valid trust list: " + e.getMessage());
        }
    }
}
