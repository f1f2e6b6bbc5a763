package io.edgedistill.processor.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.core.trust.SignedTrustList;
import io.edgedistill.core.trust.TrustList;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.contributions.ContributionIntakeProcessor;
import io.edgedistill.processor.contributions.TargetsRegistry;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.scoring.LiveModels;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.KeyTrustList;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.serde.PlainAvroSerde;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the operator's trust list changes in a running processor, without a restart: an edge distrusted by the list
 * leaves the current targets and its new contributions and flows are refused; an edge's traffic key rotated to its
 * next generation is accepted beside the previous one during the overlap, alone after it, and a revoked generation is
 * refused at once.
 */
class TrustListRuntimeTest {
    @TempDir
    Path stateDir;

    private final ProcessorTopology.TopicSerdes serdes = Fixtures.plainSerdes();
    private final TargetsRegistry targets = new TargetsRegistry();
    private final ProcessorMetrics metrics = ProcessorMetrics.inMemory();
    private final KeyPair root = Ed25519Keys.generate();
    private final byte[] master = new byte[32];
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> trust;
    private TestInputTopic<String, byte[]> summaries;
    private TestInputTopic<byte[], byte[]> traffic;
    private TestOutputTopic<byte[], byte[]> summariesDlq;
    private TestOutputTopic<byte[], byte[]> trafficDlq;
    private TrustList list;
    private long counter;

    @BeforeEach
    void start() {
        new java.util.Random(7).nextBytes(master);
        ProcessorConfig cfg = Fixtures.config(Map.of(
                "processor.trust.root-keys", List.of(Ed25519Keys.encodePublic(root.getPublic())),
                "processor.scoring.traffic-master-key", Base64.getEncoder().encodeToString(master)));
        driver = Fixtures.driver(cfg, stateDir, serdes,
                new ProcessorTopology.Services(targets, new LiveModels(metrics), metrics, d -> { }));
        driver.createInputTopic(Topics.ROUNDS, new StringSerializer(), new ByteArraySerializer())
                .pipeInput(Fixtures.TASK, enc(serdes.rounds(), Fixtures.round(1)));
        trust = driver.createInputTopic(Topics.TRUST, new StringSerializer(), new ByteArraySerializer());
        summaries = driver.createInputTopic(Topics.SUMMARIES, new StringSerializer(), new ByteArraySerializer());
        traffic = driver.createInputTopic(Topics.TRAFFIC, new ByteArraySerializer(), new ByteArraySerializer());
        summariesDlq = driver.createOutputTopic(Topics.deadLetterTopic(Topics.SUMMARIES), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        trafficDlq = driver.createOutputTopic(Topics.deadLetterTopic(Topics.TRAFFIC), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        list = TrustList.first(Instant.now(), "first", List.of(), List.of());
        publish(list);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] enc(Object serde, org.apache.avro.specific.SpecificRecord value) {
        return ((PlainAvroSerde) serde).encode(value);
    }

    private void publish(TrustList l) {
        list = l;
        SignedTrustList s = SignedTrustList.sign(l, root);
        trust.pipeInput(Topics.TRUST_KEY, enc(serdes.trustLists(), KeyTrustList.newBuilder().setPayload(s.payload())
                .setRootKeyId(s.rootKeyId()).setSignature(java.nio.ByteBuffer.wrap(s.signature())).build()));
    }

    private TrustList next(String note) {
        return list.next(Instant.now(), note, list.updaterKeys(), list.edgeKeys());
    }

    /** One flow of {@code edge} tagged with its traffic key of {@code generation}. */
    private void flow(String edge, int generation) {
        byte[] value = enc(serdes.traffic(), ContractSamples.trafficFlow(counter, edge));
        byte[] seq = TrafficMac.seq(1, counter++);
        byte[] tag = new TrafficMac.Tagger(TrafficMac.edgeKey(master, edge, generation), Topics.TRAFFIC, edge).tag(seq, value);
        RecordHeaders h = new RecordHeaders();
        h.add(TrafficMac.SEQ_HEADER, seq);
        h.add(TrafficMac.MAC_HEADER, tag);
        traffic.pipeInput(new TestRecord<>(edge.getBytes(), value, h));
    }

    private List<String> trafficRefusals() {
        return Fixtures.deadLetters(serdes, trafficDlq).stream().map(d -> d.getErrorClass() + ": " + d.getErrorMessage()).toList();
    }

    @Test
    void anEdgeDistrustedByTheListLeavesTheTargetsWithoutARestart() {
        summaries.pipeInput("edge-a", enc(serdes.summaries(), Fixtures.summary("edge-a", 1, new long[] {10, 10, 10}, 1)));
        summaries.pipeInput("edge-b", enc(serdes.summaries(), Fixtures.summary("edge-b", 1, new long[] {20, 20, 20}, 2)));
        summaries.pipeInput("edge-gone", enc(serdes.summaries(), Fixtures.summary("edge-gone", 1, new long[] {50, 50, 50}, 3)));
        assertThat(targets.latest(Fixtures.TASK).orElseThrow().targets().classWeights()[0]).isEqualTo(80.0);

        publish(next("decommission edge-gone").withDistrustedEdges(List.of("edge-gone")));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        var u = targets.latest(Fixtures.TASK).orElseThrow();
        assertThat(u.accepted()).extracting(s -> s.edgeId()).containsExactlyInAnyOrder("edge-a", "edge-b");
        assertThat(u.targets().classWeights()[0]).as("edge-a's 10 and edge-b's 20 only").isEqualTo(30.0);
        assertThat(u.excluded()).anySatisfy(q -> assertThat(q.edgeId()).isEqualTo("edge-gone"));

        summaries.pipeInput("edge-gone", enc(serdes.summaries(), Fixtures.summary("edge-gone", 1, new long[] {60, 60, 60}, 4)));
        assertThat(Fixtures.deadLetters(serdes, summariesDlq)).singleElement().satisfies(d ->
                assertThat(d.getErrorClass()).isEqualTo(ContributionIntakeProcessor.DISTRUSTED_EDGE));
        flow("edge-gone", 0);
        assertThat(trafficRefusals()).singleElement().asString().startsWith(ContributionIntakeProcessor.DISTRUSTED_EDGE);

        // trusted again: its next contribution counts
        publish(next("edge-gone back").withDistrustedEdges(List.of()));
        summaries.pipeInput("edge-gone", enc(serdes.summaries(), Fixtures.summary("edge-gone", 1, new long[] {5, 5, 5}, 5)));
        assertThat(targets.latest(Fixtures.TASK).orElseThrow().targets().classWeights()[0]).isEqualTo(35.0);
    }

    @Test
    void aRotatedTrafficKeyOverlapsItsPredecessorAndARevokedOneIsRefusedAtOnce() {
        flow("edge-a", 0);
        assertThat(trafficRefusals()).isEmpty();

        publish(next("rotate edge-a's traffic key").withTrafficKey(new TrustList.TrafficKey("edge-a", 1, true)));
        flow("edge-a", 0);  // edges not yet given their new key
        flow("edge-a", 1);
        assertThat(trafficRefusals()).as("no flow refused during the overlap").isEmpty();

        publish(next("retire generation 0").withTrafficKey(new TrustList.TrafficKey("edge-a", 1, false)));
        flow("edge-a", 1);
        flow("edge-a", 0);
        assertThat(trafficRefusals()).singleElement().asString().contains("generation 1");

        publish(next("revoke generation 1").withTrafficKey(new TrustList.TrafficKey("edge-a", 2, false)));
        for (int i = 0; i < 5; i++) {
            flow("edge-a", 1);
        }
        flow("edge-a", 2);
        flow("edge-b", 0); // other edges are untouched
        assertThat(trafficRefusals()).as("every flow under the revoked key, and only those").hasSize(5)
                .allSatisfy(r -> assertThat(r).contains("edge-a").contains("generation 2"));
    }
}
