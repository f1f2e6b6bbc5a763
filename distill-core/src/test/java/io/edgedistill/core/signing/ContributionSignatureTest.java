package io.edgedistill.core.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ContributionSignatureTest {
    private final KeyPair a = Ed25519Keys.generate();
    private final KeyPair b = Ed25519Keys.generate();
    private final Map<String, ContributionSignature.EdgeKey> keys = ContributionSignature.parseEdgeKeys(List.of(
            "edge-a=" + Ed25519Keys.encodePublic(a.getPublic()), " ", "edge-b = " + Ed25519Keys.encodePublic(b.getPublic())));
    private final byte[] value = "a summary".getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsOnlyTheClaimedEdgesSignatureOverThisTopicAndValue() {
        String idA = Ed25519Keys.keyId(a.getPublic());
        byte[] sig = ContributionSignature.sign(a.getPrivate(), "edge.summaries", value);
        assertThat(keys).hasSize(2);
        assertThat(ContributionSignature.check(keys, "edge.summaries", value, idA, sig, "edge-a")).isEmpty();
        // another edge's id
        assertThat(ContributionSignature.check(keys, "edge.summaries", value, idA, sig, "edge-b")).get(
                org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("signed by edge-a's key").contains("claims edge edge-b");
        // moved to another topic, or altered
        assertThat(ContributionSignature.check(keys, "edge.knowledge", value, idA, sig, "edge-a")).get(
                org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("does not verify");
        byte[] altered = value.clone();
        altered[0] ^= 1;
        assertThat(ContributionSignature.check(keys, "edge.summaries", altered, idA, sig, "edge-a")).isPresent();
        // b's key id with a's signature: b's key does not verify it
        assertThat(ContributionSignature.check(keys, "edge.summaries", value, Ed25519Keys.keyId(b.getPublic()), sig, "edge-b"))
                .isPresent();
        // unsigned, unknown key
        assertThat(ContributionSignature.check(keys, "edge.summaries", value, null, null, "edge-a")).get(
                org.assertj.core.api.InstanceOfAssertFactories.STRING).startsWith("unsigned");
        KeyPair c = Ed25519Keys.generate();
        assertThat(ContributionSignature.check(keys, "edge.summaries", value, Ed25519Keys.keyId(c.getPublic()),
                ContributionSignature.sign(c.getPrivate(), "edge.summaries", value), "edge-a")).get(
                org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("unknown key");
    }

    @Test
    void malformedEntriesAreRefused() {
        assertThatThrownBy(() -> ContributionSignature.parseEdgeKeys(List.of(Ed25519Keys.encodePublic(a.getPublic()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("edgeId=");
        assertThatThrownBy(() -> ContributionSignature.parseEdgeKeys(List.of("edge-a=notakey")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
