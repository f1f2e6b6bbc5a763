package io.edgedistill.core.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class SignedPayloadTest {
    private static final String SHA = "ab".repeat(32);

    @Test
    void canonicalBytesAreTheDocumentedString() {
        SignedPayload p = new SignedPayload("5g/edge-1", 7, "edgedistill-mlp-v1", SHA, 3);
        assertThat(new String(p.canonicalBytes(), StandardCharsets.UTF_8))
                .isEqualTo("edgedistill.model-update.v1|5g/edge-1|7|edgedistill-mlp-v1|" + SHA + "|3");
    }

    @Test
    void signatureVerifiesAndEveryFieldIsBound() {
        KeyPair kp = Ed25519Keys.generate();
        SignedPayload p = new SignedPayload("task", 2, "fmt", SHA, 5);
        byte[] sig = p.sign(kp.getPrivate());
        assertThat(p.verify(kp.getPublic(), sig)).isTrue();
        assertThat(new SignedPayload("task2", 2, "fmt", SHA, 5).verify(kp.getPublic(), sig)).isFalse();
        assertThat(new SignedPayload("task", 3, "fmt", SHA, 5).verify(kp.getPublic(), sig)).isFalse();
        assertThat(new SignedPayload("task", 2, "fmt2", SHA, 5).verify(kp.getPublic(), sig)).isFalse();
        assertThat(new SignedPayload("task", 2, "fmt", "cd".repeat(32), 5).verify(kp.getPublic(), sig)).isFalse();
        assertThat(new SignedPayload("task", 2, "fmt", SHA, 6).verify(kp.getPublic(), sig)).isFalse();
        byte[] tampered = sig.clone();
        tampered[0] ^= 1;
        assertThat(p.verify(kp.getPublic(), tampered)).isFalse();
        assertThat(p.verify(Ed25519Keys.generate().getPublic(), sig)).isFalse();
        assertThat(p.verify(kp.getPublic(), new byte[3])).isFalse();
        assertThat(p.verify(kp.getPublic(), null)).isFalse();
    }

    @Test
    void anAudienceIsSignedSortedAndCannotBeWidenedOrNarrowed() {
        SignedPayload forTwo = new SignedPayload("task", 2, "fmt", SHA, 5, java.util.List.of("edge-2", "edge-1"));
        assertThat(new String(forTwo.canonicalBytes(), StandardCharsets.UTF_8))
                .isEqualTo("edgedistill.model-update.v2|task|2|fmt|" + SHA + "|5|edge-1,edge-2");
        assertThat(new SignedPayload("task", 2, "fmt", SHA, 5, java.util.List.of()).canonicalBytes())
                .as("no audience: the v1 bytes, so every update signed before still verifies")
                .isEqualTo(new SignedPayload("task", 2, "fmt", SHA, 5).canonicalBytes());
        KeyPair kp = Ed25519Keys.generate();
        byte[] sig = forTwo.sign(kp.getPrivate());
        assertThat(new SignedPayload("task", 2, "fmt", SHA, 5, java.util.List.of("edge-1", "edge-2")).verify(kp.getPublic(), sig))
                .isTrue();
        assertThat(new SignedPayload("task", 2, "fmt", SHA, 5).verify(kp.getPublic(), sig)).as("widened to everyone").isFalse();
        assertThat(new SignedPayload("task", 2, "fmt", SHA, 5, java.util.List.of("edge-1")).verify(kp.getPublic(), sig))
                .as("narrowed").isFalse();
        assertThat(new SignedPayload("task", 2, "fmt", SHA, 5, java.util.List.of("edge-1", "edge-3")).verify(kp.getPublic(), sig))
                .as("moved").isFalse();
        assertThatThrownBy(() -> new SignedPayload("task", 2, "fmt", SHA, 5, java.util.List.of("edge-1,edge-2")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysRoundTripThroughBase64() {
        KeyPair kp = Ed25519Keys.generate();
        var priv = Ed25519Keys.decodePrivate(Ed25519Keys.encodePrivate(kp.getPrivate()));
        var pub = Ed25519Keys.decodePublic("-----BEGIN PUBLIC KEY-----\n" + Ed25519Keys.encodePublic(kp.getPublic())
                + "\n-----END PUBLIC KEY-----\n");
        assertThat(Ed25519Keys.matches(priv, pub)).isTrue();
        assertThat(Ed25519Keys.matches(priv, Ed25519Keys.generate().getPublic())).isFalse();
        assertThat(Ed25519Keys.keyId(pub)).isEqualTo(Ed25519Keys.keyId(kp.getPublic())).startsWith("ed25519:").hasSize(24);
        assertThatThrownBy(() -> Ed25519Keys.decodePublic("not base64!")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ambiguousFieldsAreRejected() {
        assertThatThrownBy(() -> new SignedPayload("a|b", 1, "f", SHA, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SignedPayload("a", 1, "f\n", SHA, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SignedPayload("a", 1, "f", "ABC", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
