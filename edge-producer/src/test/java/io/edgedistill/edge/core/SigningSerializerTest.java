package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.signing.ContributionSignature;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.edge.app.EdgeFactory;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SigningSerializerTest {

    @Test
    void signsTheExactSerializedBytesInTheRecordsHeaders() {
        KeyPair kp = Ed25519Keys.generate();
        SigningSerializer<String> s = new SigningSerializer<>((topic, data) -> data.getBytes(StandardCharsets.UTF_8),
                kp.getPrivate(), Ed25519Keys.keyId(kp.getPublic()));
        RecordHeaders headers = new RecordHeaders();
        headers.add(ContributionSignature.SIGNER_HEADER, "forged".getBytes(StandardCharsets.UTF_8)); // replaced, not kept
        byte[] value = s.serialize("edge.summaries", headers, "summary of edge-1");
        assertThat(headers.headers(ContributionSignature.SIGNER_HEADER)).hasSize(1);
        Map<String, ContributionSignature.EdgeKey> keys = ContributionSignature.parseEdgeKeys(
                List.of("edge-1=" + Ed25519Keys.encodePublic(kp.getPublic())));
        String signer = new String(headers.lastHeader(ContributionSignature.SIGNER_HEADER).value(), StandardCharsets.UTF_8);
        byte[] sig = headers.lastHeader(ContributionSignature.SIGNATURE_HEADER).value();
        assertThat(ContributionSignature.check(keys, "edge.summaries", value, signer, sig, "edge-1")).isEmpty();
        assertThat(ContributionSignature.check(keys, "edge.summaries", value, signer, sig, "edge-2")).isPresent();
    }

    @Test
    void configuredKeysMustBeOnePair() {
        KeyPair kp = Ed25519Keys.generate();
        KeyPair other = Ed25519Keys.generate();
        assertThat(EdgeFactory.signingKeys("e", "", "")).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EdgeFactory.signingKeys("e",
                Ed25519Keys.encodePrivate(kp.getPrivate()), Ed25519Keys.encodePublic(other.getPublic())))
                .hasMessageContaining("not one key pair");
        assertThat(EdgeFactory.signingKeys("e", Ed25519Keys.encodePrivate(kp.getPrivate()),
                Ed25519Keys.encodePublic(kp.getPublic())).getPublic()).isEqualTo(kp.getPublic());
    }
}
