package io.edgedistill.core.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The canonical signing payload of a model update and its Ed25519 signature (docs/design.md §3.5), shared by the
 * model-updater (signs) and the edges and processor (verify). Plain Java: no Kafka, no Avro.
 *
 * <p>The payload is the UTF-8 encoding of
 * <pre>
 *   edgedistill.model-update.v1|&lt;modelId&gt;|&lt;version&gt;|&lt;format&gt;|&lt;sha256&gt;|&lt;syntheticSetVersion&gt;
 * </pre>
 * with the two numbers in decimal and {@code sha256} as 64 lower-case hex digits. An update for some edges only (a
 * canary, {@code audience} not empty) signs
 * <pre>
 *   edgedistill.model-update.v2|&lt;modelId&gt;|&lt;version&gt;|&lt;format&gt;|&lt;sha256&gt;|&lt;syntheticSetVersion&gt;|&lt;edge ids, distinct, sorted, comma-separated&gt;
 * </pre>
 * so that no one can widen or narrow the edges an update is for. To keep the encoding unambiguous, {@code modelId}
 * and {@code format} must not contain {@code '|'}, CR or LF, and edge ids neither nor {@code ','} (rejected). Any
 * client (in any language) can rebuild the bytes from the record's fields.
 *
 * @param modelId             model identity (task id, or task id / cohort)
 * @param version             model version within the model id
 * @param format              weight encoding name
 * @param sha256Hex           SHA-256 of the weights, lower-case hex
 * @param syntheticSetVersion synthetic-set version the model was trained on
 * @param audience            the edge ids the update is for; empty for every edge
 */
public record SignedPayload(String modelId, long version, String format, String sha256Hex,
                            long syntheticSetVersion, List<String> audience) {

    /** Domain-separation prefix (also versions the payload layout). */
    public static final String DOMAIN = "edgedistill.model-update.v1";
    /** The prefix of an update for some edges only. */
    public static final String DOMAIN_AUDIENCE = "edgedistill.model-update.v2";
    /** The only signature algorithm in use. */
    public static final String ALGORITHM = "Ed25519";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** Validates the fields. */
    public SignedPayload {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        if (modelId.isEmpty() || !safe(modelId)) {
            throw new IllegalArgumentException("modelId must be non-empty and free of '|', CR, LF: " + modelId);
        }
        if (format.isEmpty() || !safe(format)) {
            throw new IllegalArgumentException("format must be non-empty and free of '|', CR, LF: " + format);
        }
        if (!HEX64.matcher(sha256Hex).matches()) {
            throw new IllegalArgumentException("sha256Hex must be 64 lower-case hex digits");
        }
        audience = audience == null ? List.of() : List.copyOf(new TreeSet<>(audience));
        for (String edge : audience) {
            if (edge.isEmpty() || !safe(edge) || edge.indexOf(',') >= 0) {
                throw new IllegalArgumentException("edge ids of an audience must be non-empty and free of '|', ',', CR, LF: "
                        + edge);
            }
        }
    }

    /** An update for every edge. */
    public SignedPayload(String modelId, long version, String format, String sha256Hex, long syntheticSetVersion) {
        this(modelId, version, format, sha256Hex, syntheticSetVersion, List.of());
    }

    private static boolean safe(String s) {
        return s.indexOf('|') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0;
    }

    /** The canonical bytes that are signed. */
    public byte[] canonicalBytes() {
        String fields = modelId + "|" + version + "|" + format + "|" + sha256Hex + "|" + syntheticSetVersion;
        String text = audience.isEmpty() ? DOMAIN + "|" + fields : DOMAIN_AUDIENCE + "|" + fields + "|" + String.join(",", audience);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Signs the canonical bytes with an Ed25519 private key. */
    public byte[] sign(PrivateKey key) {
        try {
            Signature s = Ed25519Keys.signature();
            s.initSign(key);
            s.update(canonicalBytes());
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code signature} is a valid Ed25519 signature of the canonical bytes under {@code key}. Never
     * throws for bad input: malformed signatures and keys of another algorithm verify as false.
     */
    public boolean verify(PublicKey key, byte[] signature) {
        if (key == null || signature == null || signature.length == 0) {
            return false;
        }
        try {
            Signature s = Ed25519Keys.signature();
            s.initVerify(key);
            s.update(canonicalBytes());
            return s.verify(signature);
        } catch (InvalidKeyException | SignatureException | IllegalArgumentException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 unavailable: " + e.getMessage(), e);
        }
    }
}
