package io.edgedistill.core.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class TrafficMacTest {
    private static final byte[] MASTER = new byte[32];
    private static final String TOPIC = "edge.traffic";

    static {
        for (int i = 0; i < 32; i++) {
            MASTER[i] = (byte) (i + 1);
        }
    }

    private static byte[] key(String edge) {
        return edge.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void edgeKeyIsTheDocumentedHmacOfTheEdgeId() {
        // printf 'edgedistill-traffic-key-v1\nedge-07' | openssl dgst -sha256 -mac HMAC \
        //   -macopt hexkey:0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 -binary | base64
        assertThat(Base64.getEncoder().encodeToString(TrafficMac.edgeKey(MASTER, "edge-07")))
                .isEqualTo("kvfaanfvQFhd98Ibfq4C6C4zuBmctpxthyzG/KWc9fY=");
        assertThat(TrafficMac.edgeKey(MASTER, "edge-08")).isNotEqualTo(TrafficMac.edgeKey(MASTER, "edge-07"));
    }

    @Test
    void aFlowTaggedWithItsEdgesKeyIsAccepted() {
        byte[] value = "a flow".getBytes(StandardCharsets.UTF_8);
        byte[] tag = new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-07"), TOPIC, "edge-07").tag(value);
        assertThat(tag).hasSize(TrafficMac.TAG_BYTES);
        TrafficMac.Verifier v = new TrafficMac.Verifier(MASTER, TOPIC, 16);
        assertThat(v.check(key("edge-07"), value, tag)).isEmpty();
        assertThat(v.check(key("edge-07"), value, tag)).as("cached key").isEmpty();
    }

    @Test
    void everyForgeryIsRefusedWithAReason() {
        byte[] value = "a flow".getBytes(StandardCharsets.UTF_8);
        TrafficMac.Tagger edge7 = new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-07"), TOPIC, "edge-07");
        TrafficMac.Verifier v = new TrafficMac.Verifier(MASTER, TOPIC, 16);

        // edge-07 writes under edge-08's id with its own key
        TrafficMac.Tagger posing = new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-07"), TOPIC, "edge-08");
        assertThat(v.check(key("edge-08"), value, posing.tag(value))).get().asString().contains("edge-08's key");
        // a tag moved to another record key, altered value, other topic, no tag, no key, a key from another master
        assertThat(v.check(key("edge-08"), value, edge7.tag(value))).isPresent();
        assertThat(v.check(key("edge-07"), "a flow!".getBytes(StandardCharsets.UTF_8), edge7.tag(value))).isPresent();
        TrafficMac.Tagger otherTopic = new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-07"), "edge.summaries", "edge-07");
        assertThat(v.check(key("edge-07"), value, otherTopic.tag(value))).isPresent();
        assertThat(v.check(key("edge-07"), value, null)).get().asString().contains("unauthenticated");
        assertThat(v.check(null, value, edge7.tag(value))).get().asString().contains("no record key");
        byte[] otherMaster = MASTER.clone();
        otherMaster[0] ^= 1;
        TrafficMac.Tagger foreign = new TrafficMac.Tagger(TrafficMac.edgeKey(otherMaster, "edge-07"), TOPIC, "edge-07");
        assertThat(v.check(key("edge-07"), value, foreign.tag(value))).isPresent();
        byte[] shortTag = java.util.Arrays.copyOf(edge7.tag(value), 8);
        assertThat(v.check(key("edge-07"), value, shortTag)).isPresent();
    }

    @Test
    void keysShorterThan32BytesOrNotBase64AreRefused() {
        assertThatThrownBy(() -> new TrafficMac.Verifier(new byte[16], TOPIC, 16)).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> TrafficMac.decodeKey("AQID", "edge.signing.traffic-key")).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> TrafficMac.decodeKey("not base64!", "k")).hasMessageContaining("not Base64");
        assertThat(TrafficMac.decodeKey("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n", "k")).isEqualTo(MASTER);
    }
}
