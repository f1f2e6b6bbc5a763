package io.edgedistill.processor.trust;

import static org.assertj.core.api.Assertions.assertThat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import io.edgedistill.core.signing.ContributionSignature;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.contributions.TargetsRegistry;
import io.edgedistill.processor.scoring.LiveModels;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeSummary;
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
import io.edgedistill.core.trust.SignedTrustList;
import io.edgedistill.core.trust.TrustList;
import io.edgedistill.schemas.KeyTrustList;

/**
 * The processor follows the operator's trust list: an edge key it lists is trusted from then on, a revoked one (even a
 * configured one) no longer is, and a list no root key signed is dead-lettered and changes nothing.
 */
class TrustListTopologyTest {
    @TempDir
    Path stateDir;

    private final ProcessorTopology.TopicSerdes serdes = Fixtures.plainSerdes();
    private final TargetsRegistry targets = new TargetsRegistry();
    private final ProcessorMetrics metrics = ProcessorMetrics.inMemory();
    private final KeyPair root = Ed25519Keys.generate();
    private final KeyPair a = Ed25519Keys.generate();
    private final KeyPair b = Ed25519Keys.generate();
    private final List<DeadLetter> globalDead = new java.util.ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> summaries;
    private TestInputTopic<String, byte[]> trust;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        ProcessorConfig cfg = Fixtures.config(Map.of(
                "processor.contributions.edge-keys", List.of("edge-a=" + Ed25519Keys.encodePublic(a.getPublic())),
                "processor.trust.root-keys", List.of(Ed25519Keys.encodePublic(root.getPublic()))));
        driver = Fixtures.driver(cfg, stateDir, serdes,
                new ProcessorTopology.Services(targets, new LiveModels(metrics), metrics, globalDead::add));
        driver.createInputTopic(Topics.ROUNDS, new StringSerializer(), new ByteArraySerializer())
                .pipeInput(Fixtures.TASK, enc(Fixtures.round(1)));
        summaries = driver.createInputTopic(Topics.SUMMARIES, new StringSerializer(), new ByteArraySerializer());
        trust = driver.createInputTopic(Topics.TRUST, new StringSerializer(), new ByteArraySerializer());
        dlq = driver.createOutputTopic(Topics.SUMMARIES + ".dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private byte[] enc(org.apache.avro.specific.SpecificRecord value) {
        Object serde = value instanceof EdgeSummary ? serdes.summaries() : value instanceof KeyTrustList ? serdes.trustLists()
                : serdes.rounds();
        return ((PlainAvroSerde) serde).encode(value);
    }

    private void publish(TrustList list, KeyPair signer) {
        SignedTrustList s = SignedTrustList.sign(list, signer);
        trust.pipeInput(Topics.TRUST_KEY, enc(KeyTrustList.newBuilder().setPayload(s.payload()).setRootKeyId(s.rootKeyId())
                .setSignature(java.nio.ByteBuffer.wrap(s.signature())).build()));
    }

    private void send(String edge, long count, KeyPair signer) {
        byte[] value = enc(Fixtures.summary(edge, 1, new long[] {count, count, count}, count));
        RecordHeaders h = new RecordHeaders();
        h.add(ContributionSignature.SIGNER_HEADER, Ed25519Keys.keyId(signer.getPublic()).getBytes(StandardCharsets.UTF_8));
        h.add(ContributionSignature.SIGNATURE_HEADER, ContributionSignature.sign(signer.getPrivate(), Topics.SUMMARIES, value));
        summaries.pipeInput(new TestRecord<>(edge, value, h));
    }

    private static TrustList.EdgeKey entry(String edge, KeyPair k, TrustList.State s) {
        return new TrustList.EdgeKey(edge, Ed25519Keys.keyId(k.getPublic()), Ed25519Keys.encodePublic(k.getPublic()), s);
    }

    @Test
    void edgeKeysFollowTheListAndAForgedListChangesNothing() {
        send("edge-b", 20, b);
        assertThat(Fixtures.deadLetters(serdes, dlq)).singleElement()
                .satisfies(d -> assertThat(d.getErrorMessage()).contains("unknown key"));

        // edge-b's key listed: its contributions count from then on
        TrustList l1 = TrustList.first(java.time.Instant.now(), "add edge-b", List.of(), List.of(entry("edge-b", b, TrustList.State.ACTIVE)));
        publish(l1, root);
        send("edge-b", 20, b);
        send("edge-a", 10, a);
        assertThat(Fixtures.deadLetters(serdes, dlq)).isEmpty();
        assertThat(targets.latest(Fixtures.TASK).orElseThrow().accepted()).extracting(s -> s.edgeId())
                .containsExactlyInAnyOrder("edge-a", "edge-b");

        // a list signed by another key: dead-lettered, nothing changes
        publish(l1.next(java.time.Instant.now(), "forged", List.of(), List.of(entry("edge-a", a, TrustList.State.REVOKED))),
                Ed25519Keys.generate());
        assertThat(globalDead).singleElement().satisfies(d -> {
            assertThat(d.getErrorClass()).isEqualTo(TrustListGlobalProcessor.REFUSED);
            assertThat(d.getSourceTopic()).isEqualTo(Topics.TRUST);
        });

        // edge-a's configured key revoked by the operator: refused from then on
        publish(l1.next(java.time.Instant.now(), "revoke edge-a", List.of(),
                List.of(entry("edge-b", b, TrustList.State.ACTIVE), entry("edge-a", a, TrustList.State.REVOKED))), root);
        send("edge-a", 11, a);
        send("edge-b", 21, b);
        assertThat(Fixtures.deadLetters(serdes, dlq)).singleElement().satisfies(d -> {
            assertThat(d.getErrorClass()).isEqualTo("ContributionSignature");
            assertThat(d.getErrorMessage()).contains("unknown key " + Ed25519Keys.keyId(a.getPublic()));
        });
    }
}
