package io.edgedistill.updater.api;

import java.util.LinkedHashMap;
import java.util.Map;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.updater.signing.UpdateSigner;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/** The public key edges (and demos) trust for model updates. */
@Secured(SecurityRule.IS_ANONYMOUS) // the public key is public: edges in development fetch it
@Controller
public class KeysController {
    private final UpdateSigner signer;

    public KeysController(UpdateSigner signer) {
        this.signer = signer;
    }

    @Get("/keys")
    public Map<String, Object> keys() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keyId", signer.keyId());
        m.put("algorithm", "Ed25519");
        m.put("publicKey", signer.publicKeyBase64());
        m.put("encoding", "base64 X.509 SubjectPublicKeyInfo (DER)");
        m.put("sha256", Ed25519Keys.fingerprint(signer.publicKey())); // what an edge pins in edge.trust.updater-key-sha256
        m.put("development", signer.devKey());
        return m;
    }
}
