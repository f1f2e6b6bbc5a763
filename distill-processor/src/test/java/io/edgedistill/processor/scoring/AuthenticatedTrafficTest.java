package io.edgedistill.processor.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.contributions.TargetsRegistry;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.serde.PlainAvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a traffic master key configured, a flow is scored only when tagged with the key of the edge it claims. */
class AuthenticatedTrafficTest {
    @TempDir
    Path stateDir;

    private static final byte[] MASTER = new byte[32];

    static {
        new java.util.Random(7).nextBytes(MASTER);
    }

    private final ProcessorTopology.TopicSerdes serdes = Fixtures.plainSerdes();
    private final ProcessorMetrics metrics = ProcessorMetrics.inMemory();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> traffic;
    private TestOutputTopic<String, byte[]> alerts;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        ProcessorConfig cfg = Fixtures.config(Map.of("processor.scoring.traffic-master-key",
                Base64.getEncoder().encodeToString(MASTER)));
        driver = Fixtures.driver(cfg, stateDir, serdes,
                new ProcessorTopology.Services(new TargetsRegistry(), new LiveModels(metrics), metrics, d -> { }));
        driver.createInputTopic(Topics.MODEL_UPDATES, new StringSerializer(), new ByteArraySerializer())
                .pipeInput(Fixtures.TASK, enc(Fixtures.modelUpdate(1, false)));
        traffic = driver.createInputTopic(Topics.TRAFFIC, new StringSerializer(), new ByteArraySerializer());
        alerts = driver.createOutputTopic(Topics.ALERTS, new StringDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(Topics.TRAFFIC + ".dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private byte[] enc(SpecificRecord value) {
        Object serde = value instanceof TrafficFlow ? serdes.traffic() : serdes.models();
        return ((PlainAvroSerde) serde).encode(value);
    }

    private long counter;

    /** Sends {@code value} keyed by {@code key}, numbered and tagged with {@code keyOf}'s traffic key (null: neither). */
    private void send(String key, byte[] value, String keyOf) {
        send(key, value, keyOf, EPOCH, counter++);
    }

    private static final long EPOCH = 1_700_000_000_000L;

    private void send(String key, byte[] value, String keyOf, long epoch, long number) {
        RecordHeaders h = new RecordHeaders();
        if (keyOf != null) {
            byte[] seq = TrafficMac.seq(epoch, number);
            h.add(TrafficMac.SEQ_HEADER, seq);
            h.add(TrafficMac.MAC_HEADER, new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, keyOf), Topics.TRAFFIC, key).tag(seq, value));
        }
        traffic.pipeInput(new TestRecord<>(key, value, h));
    }

    private byte[] udpFlood(String edge, String flow) {
        return enc(Fixtures.flow(edge, flow, 0, 5, "udp"));
    }

    @Test
    void onlyFlowsTaggedByTheEdgeTheyClaimAreScored() {
        // edge-2, with its own key, writes a flow naming edge-1: refused on the decoder's path (first record) ...
        send("edge-2", udpFlood("edge-1", "x1"), "edge-2");
        send("edge-1", udpFlood("edge-1", "f1"), "edge-1");   // authentic
        // ... and on the direct path (the schema id is known now)
        send("edge-2", udpFlood("edge-1", "x2"), "edge-2");
        send("edge-1", udpFlood("edge-1", "x3"), null);       // untagged
        send("edge-1", udpFlood("edge-1", "x4"), "edge-2");   // keyed as edge-1, tagged with edge-2's key
        byte[] tampered = udpFlood("edge-1", "x5");
        RecordHeaders h = new RecordHeaders();
        byte[] seq = TrafficMac.seq(EPOCH, counter++);
        h.add(TrafficMac.SEQ_HEADER, seq);
        h.add(TrafficMac.MAC_HEADER, new TrafficMac.Tagger(TrafficMac.edgeKey(MASTER, "edge-1"), Topics.TRAFFIC, "edge-1")
                .tag(seq, udpFlood("edge-1", "x6")));
        traffic.pipeInput(new TestRecord<>("edge-1", tampered, h)); // another flow's tag
        send("edge-2", udpFlood("edge-2", "f2"), "edge-2");   // authentic

        List<DeadLetter> d = Fixtures.deadLetters(serdes, dlq);
        assertThat(d).hasSize(5).allSatisfy(x -> {
            assertThat(x.getErrorClass()).isEqualTo(TrafficScoringProcessor.BAD_TRAFFIC_TAG);
            assertThat(x.getSourceTopic()).isEqualTo(Topics.TRAFFIC);
        });
        assertThat(d.get(0).getErrorMessage()).contains("claims edge edge-1").contains("tagged by edge-2");
        assertThat(d.get(1).getErrorMessage()).contains("claims edge edge-1").contains("tagged by edge-2");
        assertThat(d.get(2).getErrorMessage()).startsWith("unauthenticated");
        assertThat(d.get(3).getErrorMessage()).contains("does not match edge edge-1's key");
        assertThat(d.get(4).getErrorMessage()).contains("does not match edge edge-1's key");
        assertThat(metrics.trafficDeadLettered.count()).isEqualTo(5);

        driver.advanceWallClockTime(Duration.ofMillis(100));
        List<AttackAlert> a = new ArrayList<>();
        while (!alerts.isEmpty()) {
            a.add(serdes.alerts().deserializer().deserialize(Topics.ALERTS, alerts.readValue()));
        }
        assertThat(a).extracting(AttackAlert::getFlowId).containsExactly("f1", "f2");
        assertThat(a).extracting(AttackAlert::getEdgeId).containsExactly("edge-1", "edge-2");
        assertThat(metrics.flowsScored.count()).isEqualTo(2);
    }

    @Test
    void aReplayedBatchIsDeadLetteredAndReorderingWithinTheWindowIsNot() {
        // edge-1 sends 10 numbered flows, the last 3 out of order
        for (long n : new long[] {0, 1, 2, 3, 4, 5, 6, 9, 7, 8}) {
            send("edge-1", udpFlood("edge-1", "f" + n), "edge-1", EPOCH, n);
        }
        // someone who captured them replays 4 (the bytes and tags are the edge's own)
        for (long n : new long[] {2, 3, 8, 9}) {
            send("edge-1", udpFlood("edge-1", "f" + n), "edge-1", EPOCH, n);
        }
        // a flow from before the edge's restart (an older epoch), and one far below the window
        send("edge-1", udpFlood("edge-1", "old"), "edge-1", EPOCH - 1, 50);
        send("edge-1", udpFlood("edge-1", "f10000"), "edge-1", EPOCH, 10_000);
        send("edge-1", udpFlood("edge-1", "f10"), "edge-1", EPOCH, 10); // 9,990 below, outside 4,096
        // the edge restarts: a new epoch counts from 0 again, and is accepted
        send("edge-1", udpFlood("edge-1", "g0"), "edge-1", EPOCH + 5_000, 0);
        // edge-2's numbers are its own
        send("edge-2", udpFlood("edge-2", "h0"), "edge-2", EPOCH, 0);

        List<DeadLetter> d = Fixtures.deadLetters(serdes, dlq);
        assertThat(d).hasSize(6).allSatisfy(x -> assertThat(x.getErrorClass()).isEqualTo(TrafficScoringProcessor.REPLAYED_FLOW));
        assertThat(d.subList(0, 4)).allSatisfy(x -> assertThat(x.getErrorMessage()).startsWith("replay: flow"));
        assertThat(d.get(4).getErrorMessage()).contains("older than the edge's current epoch");
        assertThat(d.get(5).getErrorMessage()).startsWith("too old");

        driver.advanceWallClockTime(Duration.ofMillis(100));
        List<String> scored = new ArrayList<>();
        while (!alerts.isEmpty()) {
            scored.add(serdes.alerts().deserializer().deserialize(Topics.ALERTS, alerts.readValue()).getFlowId());
        }
        assertThat(scored).containsExactlyInAnyOrder("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f9", "f7", "f8", "f10000", "g0",
                "h0");
    }
}
