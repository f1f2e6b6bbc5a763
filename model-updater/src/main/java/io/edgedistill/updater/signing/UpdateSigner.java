package io.edgedistill.updater.signing;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.SignedPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Signs model updates with the updater's Ed25519 key (canonical payload: {@link SignedPayload}). */
public final class UpdateSigner {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateSigner.class);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;
    private final boolean devKey;

    public UpdateSigner(PrivateKey privateKey, PublicKey publicKey, String keyId, boolean devKey) {
        if (!Ed25519Keys.matches(privateKey, publicKey)) {
            throw new IllegalArgumentException("the configured signing private and public keys do not belong together");
        }
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = keyId == null || keyId.isBlank() ? Ed25519Keys.keyId(publicKey) : keyId;
        this.devKey = devKey;
    }

    /**
     * From configuration: Base64 PKCS#8 private key and Base64 X.509 public key; when both are blank a
     * development key pair is generated (with a warning: edges must then be told the public key, e.g. from
     * {@code GET /keys}).
     */
    public static UpdateSigner fromConfig(String privateKeyBase64, String publicKeyBase64, String keyId) {
        boolean noPriv = privateKeyBase64 == null || privateKeyBase64.isBlank();
        boolean noPub = publicKeyBase64 == null || publicKeyBase64.isBlank();
        if (noPriv && noPub) {
            KeyPair kp = Ed25519Keys.generate();
            UpdateSigner s = new UpdateSigner(kp.getPrivate(), kp.getPublic(), keyId, true);
            LOG.warn("No signing key configured (updater.signing.private-key / public-key): generated a DEVELOPMENT "
                    + "Ed25519 key pair, id {}; it is lost on restart. Edges must trust public key {} (also at GET /keys)",
                    s.keyId(), s.publicKeyBase64());
            return s;
        }
        if (noPriv || noPub) {
            throw new IllegalArgumentException("configure both updater.signing.private-key and updater.signing.public-key");
        }
        return new UpdateSigner(Ed25519Keys.decodePrivate(privateKeyBase64), Ed25519Keys.decodePublic(publicKeyBase64),
                keyId, false);
    }

    public byte[] sign(SignedPayload payload) {
        return payload.sign(privateKey);
    }

    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String publicKeyBase64() {
        return Ed25519Keys.encodePublic(publicKey);
    }

    public boolean devKey() {
        return devKey;
    }
}
