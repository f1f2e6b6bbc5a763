package io.edgedistill.processor.contributions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.signing.ContributionSignature;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.metrics.ProcessorMetrics;
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

/** With edge keys configured, a contribution counts only when signed by the edge it claims. */
class SignedContributionsTest {
    @TempDir
    Path stateDir;

    private final ProcessorTopology.TopicSerdes serdes = Fixtures.plainSerdes();
    private final TargetsRegistry targets = new TargetsRegistry();
    private final ProcessorMetrics metrics = ProcessorMetrics.inMemory();
    private final KeyPair a = Ed25519Keys.generate();
    private final KeyPair b = Ed25519Keys.generate();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> summaries;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        ProcessorConfig cfg = Fixtures.config(Map.of("processor.contributions.edge-keys", List.of(
                "edge-a=" + Ed25519Keys.encodePublic(a.getPublic()), "edge-b=" + Ed25519Keys.encodePublic(b.getPublic()))));
        driver = Fixtures.driver(cfg, stateDir, serdes,
                new ProcessorTopology.Services(targets, new LiveModels(metrics), metrics, d -> { }));
        driver.createInputTopic(Topics.ROUNDS, new StringSerializer(), new ByteArraySerializer())
                .pipeInput(Fixtures.TASK, enc(Fixtures.round(1)));
        summaries = driver.createInputTopic(Topics.SUMMARIES, new StringSerializer(), new ByteArraySerializer());
        dlq = driver.createOutputTopic(Topics.SUMMARIES + ".dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private byte[] enc(org.apache.avro.specific.SpecificRecord value) {
        Object serde = value instanceof EdgeSummary ? serdes.summaries() : serdes.rounds();
        return ((PlainAvroSerde) serde).encode(value);
    }

    private void send(String key, byte[] value, KeyPair signer, String topicSigned) {
        send(key, value, signer, signer == null ? null : ContributionSignature.sign(signer.getPrivate(), topicSigned, value));
    }

    private void send(String key, byte[] value, KeyPair signer, byte[] signature) {
        RecordHeaders h = new RecordHeaders();
        if (signer != null) {
            h.add(ContributionSignature.SIGNER_HEADER, Ed25519Keys.keyId(signer.getPublic()).getBytes(StandardCharsets.UTF_8));
            h.add(ContributionSignature.SIGNATURE_HEADER, signature);
        }
        summaries.pipeInput(new TestRecord<>(key, value, h));
    }

    private List<DeadLetter> dead() {
        return Fixtures.deadLetters(serdes, dlq);
    }

    @Test
    void onlyContributionsSignedByTheEdgeTheyClaimAreAggregated() {
        byte[] fromA = enc(Fixtures.summary("edge-a", 1, new long[] {10, 10, 10}, 1));
        byte[] claimsA = enc(Fixtures.summary("edge-a", 1, new long[] {99, 99, 99}, 2));
        byte[] fromB = enc(Fixtures.summary("edge-b", 1, new long[] {20, 20, 20}, 3));
        send("edge-a", fromA, a, Topics.SUMMARIES);
        send("edge-a", claimsA, b, Topics.SUMMARIES);            // edge-b's key, edge-a's id and key
        send("edge-a", claimsA, null, (byte[]) null);            // unsigned
        send("edge-a", claimsA, a, Topics.KNOWLEDGE);            // a's signature for another topic
        byte[] tampered = fromA.clone();
        tampered[tampered.length - 1] ^= 1;
        send("edge-a", tampered, a, ContributionSignature.sign(a.getPrivate(), Topics.SUMMARIES, fromA)); // altered after signing
        send("edge-b", fromB, b, Topics.SUMMARIES);

        List<DeadLetter> d = dead();
        assertThat(d).hasSize(4).allSatisfy(x -> assertThat(x.getErrorClass()).isEqualTo("ContributionSignature"));
        assertThat(d.get(0).getErrorMessage()).contains("signed by edge-b's key").contains("claims edge edge-a");
        assertThat(d.get(1).getErrorMessage()).startsWith("unsigned");
        assertThat(d.get(2).getErrorMessage()).contains("does not verify");
        var u = targets.latest(Fixtures.TASK).orElseThrow();
        assertThat(u.accepted()).extracting(s -> s.edgeId()).containsExactlyInAnyOrder("edge-a", "edge-b");
        assertThat(u.accepted()).allSatisfy(s -> assertThat(s.kind()).isEqualTo(SummaryKind.DATA));
        assertThat(u.targets().classWeights()[0]).as("edge-a's signed 10 and edge-b's 20 only").isEqualTo(30.0);
    }
}
