package io.edgedistill.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.edge.core.ModelVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpdaterKeySourceTest {
    private final KeyPair updaterKey = Ed25519Keys.generate();
    private HttpServer updater;
    private String url;

    @BeforeEach
    void serveKeys() throws IOException {
        String body = "{\"keyId\":\"" + Ed25519Keys.keyId(updaterKey.getPublic()) + "\",\"publicKey\":\""
                + Ed25519Keys.encodePublic(updaterKey.getPublic()) + "\"}";
        updater = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        updater.createContext("/keys", ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        updater.start();
        url = "http://127.0.0.1:" + updater.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        updater.stop(0);
    }

    @Test
    void inTheDevEnvironmentTheServedKeyBecomesATrustedKey() {
        String entry = new UpdaterKeySource(url, "", true).fetch(Duration.ofSeconds(5));

        ModelVerifier verifier = ModelVerifier.fromConfig(java.util.List.of(entry));
        assertThat(verifier.trustedKeys()).containsValue(updaterKey.getPublic());
        assertThat(verifier.trustedKeyIds()).containsExactly(Ed25519Keys.keyId(updaterKey.getPublic()));
    }

    @Test
    void outsideTheDevEnvironmentAPinnedFingerprintMustMatch() {
        String pin = Ed25519Keys.fingerprint(updaterKey.getPublic());
        assertThat(new UpdaterKeySource(url, pin.toUpperCase(), false).fetch(Duration.ofSeconds(5)))
                .endsWith(Ed25519Keys.encodePublic(updaterKey.getPublic()));

        String otherPin = Ed25519Keys.fingerprint(Ed25519Keys.generate().getPublic());
        assertThatThrownBy(() -> new UpdaterKeySource(url, otherPin, false).fetch(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("refusing to trust it");
    }

    @Test
    void outsideTheDevEnvironmentAnUnpinnedFetchIsAConfigurationError() {
        assertThatThrownBy(() -> new UpdaterKeySource(url, "", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("edge.trusted-keys");
    }

    @Test
    void anUpdaterThatNeverAnswersFailsStartUpWithTheUrlInTheMessage() {
        updater.stop(0);
        assertThatThrownBy(() -> new UpdaterKeySource(url, "", true).fetch(Duration.ofMillis(1500)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(url + "/keys");
    }

    @Test
    void anUpdaterThatIsNotReadyYetIsAskedAgainUntilItAnswers() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        updater.createContext("/late/keys", ex -> {
            if (asked.incrementAndGet() < 3) {
                ex.sendResponseHeaders(503, -1);
                ex.close();
                return;
            }
            String body = "{\"publicKey\":\"" + Ed25519Keys.encodePublic(updaterKey.getPublic()) + "\"}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });

        String entry = new UpdaterKeySource(url + "/late", "", true).fetch(Duration.ofSeconds(10));

        assertThat(entry).isEqualTo(Ed25519Keys.encodePublic(updaterKey.getPublic()));
        assertThat(asked).hasValue(3);
    }
}
