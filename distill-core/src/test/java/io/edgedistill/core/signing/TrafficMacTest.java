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

    private static final byte[] SEQ = TrafficMac.seq(1_700_000_000_000L, 42);

    @Test
    void aFlowTaggedWithItsEdgesKeyIsAccepted() {
        byte[] value = "a flow".getBytes(StandardCharsets.UTF_8);
        byte[] tag = new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-07"), TOPIC, "edge-07").tag(SEQ, value);
        assertThat(tag).hasSize(TrafficMac.TAG_BYTES);
        TrafficMac.Verifier v = new TrafficMac.Verifier(MASTER, TOPIC, 16);
        assertThat(v.check(key("edge-07"), SEQ, value, tag)).isEmpty();
        assertThat(v.check(key("edge-07"), SEQ, value, tag)).as("cached key").isEmpty();
        assertThat(TrafficMac.epoch(SEQ)).isEqualTo(1_700_000_000_000L);
        assertThat(TrafficMac.counter(SEQ)).isEqualTo(42);
    }

    @Test
    void everyForgeryIsRefusedWithAReason() {
        byte[] value = "a flow".getBytes(StandardCharsets.UTF_8);
        TrafficMac.Tagger edge7 = new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-07"), TOPIC, "edge-07");
        TrafficMac.Verifier v = new TrafficMac.Verifier(MASTER, TOPIC, 16);

        // edge-07 writes under edge-08's id with its own key
        TrafficMac.Tagger posing = new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-07"), TOPIC, "edge-08");
        assertThat(v.check(key("edge-08"), SEQ, value, posing.tag(SEQ, value))).get().asString().contains("edge-08's key");
        // a tag moved to another record key, altered value, other topic, no tag, no key, a key from another master
        assertThat(v.check(key("edge-08"), SEQ, value, edge7.tag(SEQ, value))).isPresent();
        assertThat(v.check(key("edge-07"), SEQ, "a flow!".getBytes(StandardCharsets.UTF_8), edge7.tag(SEQ, value))).isPresent();
        // the number is covered: a tag moved to another (epoch, counter), or no number at all
        assertThat(v.check(key("edge-07"), TrafficMac.seq(1_700_000_000_000L, 43), value, edge7.tag(SEQ, value)))
                .get().asString().contains("does not match");
        assertThat(v.check(key("edge-07"), null, value, edge7.tag(SEQ, value))).get().asString().contains("unnumbered");
        TrafficMac.Tagger otherTopic = new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-07"), "edge.summaries", "edge-07");
        assertThat(v.check(key("edge-07"), SEQ, value, otherTopic.tag(SEQ, value))).isPresent();
        assertThat(v.check(key("edge-07"), SEQ, value, null)).get().asString().contains("unauthenticated");
        assertThat(v.check(null, SEQ, value, edge7.tag(SEQ, value))).get().asString().contains("no record key");
        byte[] otherMaster = MASTER.clone();
        otherMaster[0] ^= 1;
        TrafficMac.Tagger foreign = new TrafficMac.Tagger(TrafficMac.edgeKey(otherMaster, "edge-07"), TOPIC, "edge-07");
        assertThat(v.check(key("edge-07"), SEQ, value, foreign.tag(SEQ, value))).isPresent();
        byte[] shortTag = java.util.Arrays.copyOf(edge7.tag(SEQ, value), 8);
        assertThat(v.check(key("edge-07"), SEQ, value, shortTag)).isPresent();
    }

    @Test
    void keysShorterThan32BytesOrNotBase64AreRefused() {
        assertThatThrownBy(() -> new TrafficMac.Verifier(new byte[16], TOPIC, 16)).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> TrafficMac.decodeKey("AQID", "edge.signing.traffic-key")).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> TrafficMac.decodeKey("not base64!", "k")).hasMessageContaining("not Base64");
        assertThat(TrafficMac.decodeKey("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n", "k")).isEqualTo(MASTER);
    }

    @Test
    void aLaterGenerationIsTheDocumentedHmacAndTheVerifierAcceptsTheGenerationsItIsTold() {
        // printf 'edgedistill-traffic-key-v1\nedge-07\n1' | openssl dgst -sha256 -mac HMAC -macopt hexkey:0102...1f20 -binary | base64
        assertThat(Base64.getEncoder().encodeToString(TrafficMac.edgeKey(MASTER, "edge-07", 1)))
                .isEqualTo("8kx5WYEUbvNFsf5qbwj05TdLlsBnKmc501VQJC+po74=");
        assertThat(TrafficMac.edgeKey(MASTER, "edge-07", 0)).isEqualTo(TrafficMac.edgeKey(MASTER, "edge-07"));
        byte[] value = "a flow".getBytes(StandardCharsets.UTF_8);
        byte[] gen0 = new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-07", 0), TOPIC, "edge-07").tag(SEQ, value);
        byte[] gen1 = new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-07", 1), TOPIC, "edge-07").tag(SEQ, value);
        java.util.concurrent.atomic.AtomicReference<TrafficMac.Generation> g =
                new java.util.concurrent.atomic.AtomicReference<>(new TrafficMac.Generation(1, true));
        TrafficMac.Verifier v = new TrafficMac.Verifier(MASTER, TOPIC, 16, edge -> g.get());
        byte[] key = "edge-07".getBytes(StandardCharsets.UTF_8);
        assertThat(v.check(key, SEQ, value, gen0)).isEmpty();
        assertThat(v.check(key, SEQ, value, gen1)).isEmpty();
        g.set(new TrafficMac.Generation(1, false));
        assertThat(v.check(key, SEQ, value, gen0)).get().asString().contains("generation 1");
        assertThat(v.check(key, SEQ, value, gen1)).isEmpty();
    }
}
