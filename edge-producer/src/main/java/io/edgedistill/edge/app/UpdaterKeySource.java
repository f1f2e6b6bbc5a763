package io.edgedistill.edge.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.edgedistill.core.signing.Ed25519Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the model-updater's public key from its {@code GET /keys} so that a developer need not paste it in.
 *
 * <p>Trusting a key because a URL served it is only safe where the network path is trusted, so a fetched key is
 * accepted in exactly two cases: the edge runs in the {@code dev} environment (the local stack, `./edgedistill edge`),
 * or the key's SHA-256 fingerprint equals the one pinned in {@code edge.trust.updater-key-sha256}. Anything else
 * (production without a pin) refuses to start: production configures {@code edge.trusted-keys}.
 */
public final class UpdaterKeySource {
    private static final Logger LOG = LoggerFactory.getLogger(UpdaterKeySource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI keysUri;
    private final String pinnedSha256;
    private final boolean devEnvironment;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param updaterUrl     the updater's base URL, e.g. {@code http://127.0.0.1:8083}
     * @param pinnedSha256   hex SHA-256 of the key's X.509 encoding, or blank
     * @param devEnvironment whether the {@code dev} environment is active
     */
    public UpdaterKeySource(String updaterUrl, String pinnedSha256, boolean devEnvironment) {
        if (!devEnvironment && (pinnedSha256 == null || pinnedSha256.isBlank())) {
            throw new IllegalArgumentException("edge.trust.updater-url is set outside the dev environment without "
                    + "edge.trust.updater-key-sha256: a key fetched over the network is trusted only in development or "
                    + "against a pinned fingerprint (production: configure edge.trusted-keys)");
        }
        this.keysUri = URI.create(updaterUrl.replaceAll("/+$", "") + "/keys");
        this.pinnedSha256 = pinnedSha256 == null ? "" : pinnedSha256.trim().toLowerCase(Locale.ROOT);
        this.devEnvironment = devEnvironment;
    }

    /**
     * The updater's key as a trusted-key entry ({@code keyId=<base64>}), waiting for the updater to answer for at
     * most {@code wait} (it may start after the edge).
     *
     * @throws IllegalStateException when the updater does not answer in time or its key does not match the pin
     */
    public String fetch(Duration wait) {
        LOG.info("fetching the model-updater's signing key from {} ({})", keysUri,
                pinnedSha256.isEmpty() ? "dev environment" : "pinned SHA-256 " + pinnedSha256);
        RetryPolicy<JsonNode> untilAnswered = RetryPolicy.<JsonNode>builder()
                .handle(IOException.class)
                .withDelay(Duration.ofSeconds(1))
                .withMaxRetries(-1)
                .withMaxDuration(wait)
                .build();
        JsonNode answer;
        try {
            answer = Failsafe.with(untilAnswered).get(this::askOnce);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while fetching " + keysUri, e.getCause());
            }
            Throwable last = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("the model-updater did not serve its key at " + keysUri + " within " + wait
                    + " (" + last.getMessage() + "): start it, or configure edge.trusted-keys", last);
        }
        return accept(answer);
    }

    /** One {@code GET /keys}; any answer but 200 is a failure to retry. */
    private JsonNode askOnce() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(keysUri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    /** Checks an answer of {@code GET /keys} and returns its trusted-key entry. */
    String accept(JsonNode answer) {
        String key = answer.path("publicKey").asText("");
        String keyId = answer.path("keyId").asText("");
        if (key.isEmpty()) {
            throw new IllegalStateException(keysUri + " answered without a publicKey");
        }
        String sha = Ed25519Keys.fingerprint(Ed25519Keys.decodePublic(key)); // a malformed key fails here

        if (!pinnedSha256.isEmpty() && !pinnedSha256.equals(sha)) {
            throw new IllegalStateException("the key served at " + keysUri + " has SHA-256 " + sha
                    + ", not the pinned edge.trust.updater-key-sha256 " + pinnedSha256 + ": refusing to trust it");
        }
        LOG.info("trusting the model-updater's key {} (SHA-256 {}) fetched from {}{}", keyId, sha, keysUri,
                devEnvironment && pinnedSha256.isEmpty() ? " [dev environment, not pinned]" : "");
        return keyId.isEmpty() ? key : keyId + "=" + key;
    }
}
