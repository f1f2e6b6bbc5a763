package io.edgedistill.processor.contributions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.scoring.LiveModels;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.serde.PlainAvroSerde;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge the operator distrusts ({@code processor.contributions.distrusted-edges}), in the processor's topology: its
 * summaries and flows are dead-lettered as {@code DistrustedEdge}, the other edges' are taken, and the targets are the
 * other edges' alone; the exclusion is there for the next set's provenance.
 */
class DistrustedEdgeTest {
    @TempDir
    Path stateDir;

    private final ProcessorTopology.TopicSerdes serdes = Fixtures.plainSerdes();
    private final TargetsRegistry targets = new TargetsRegistry();
    private final ProcessorMetrics metrics = ProcessorMetrics.inMemory();

    @Test
    void aDistrustedEdgesSummariesAndFlowsAreRefusedAndTheTargetsAreTheOthers() {
        ProcessorConfig cfg = Fixtures.config(Map.of("processor.contributions.distrusted-edges", List.of("edge-gone")));
        try (TopologyTestDriver driver = Fixtures.driver(cfg, stateDir, serdes,
                new ProcessorTopology.Services(targets, new LiveModels(metrics), metrics, d -> { }))) {
            driver.createInputTopic(Topics.ROUNDS, new StringSerializer(), new ByteArraySerializer())
                    .pipeInput(Fixtures.TASK, encode(serdes.rounds(), Fixtures.round(1)));
            TestInputTopic<String, byte[]> summaries = driver.createInputTopic(Topics.SUMMARIES, new StringSerializer(),
                    new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic(Topics.deadLetterTopic(Topics.SUMMARIES),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            summaries.pipeInput("edge-a", encode(serdes.summaries(), Fixtures.summary("edge-a", 1, new long[] {10, 10, 10}, 1)));
            summaries.pipeInput("edge-gone", encode(serdes.summaries(), Fixtures.summary("edge-gone", 1, new long[] {50, 50, 50}, 2)));
            summaries.pipeInput("edge-b", encode(serdes.summaries(), Fixtures.summary("edge-b", 1, new long[] {20, 20, 20}, 3)));

            List<DeadLetter> dead = Fixtures.deadLetters(serdes, dlq);
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.getErrorClass()).isEqualTo(ContributionIntakeProcessor.DISTRUSTED_EDGE);
                assertThat(d.getErrorMessage()).contains("edge-gone");
            });
            var u = targets.latest(Fixtures.TASK).orElseThrow();
            assertThat(u.accepted()).extracting(s -> s.edgeId()).containsExactlyInAnyOrder("edge-a", "edge-b");
            assertThat(u.targets().classWeights()[0]).isEqualTo(30.0);

            TestInputTopic<byte[], byte[]> traffic = driver.createInputTopic(Topics.TRAFFIC, new ByteArraySerializer(),
                    new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> trafficDlq = driver.createOutputTopic(Topics.deadLetterTopic(Topics.TRAFFIC),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            traffic.pipeInput("edge-gone".getBytes(), encode(serdes.traffic(), ContractSamples.trafficFlow(1, "edge-gone")));
            assertThat(Fixtures.deadLetters(serdes, trafficDlq)).singleElement().satisfies(d ->
                    assertThat(d.getErrorClass()).isEqualTo(ContributionIntakeProcessor.DISTRUSTED_EDGE));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] encode(Object serde, org.apache.avro.specific.SpecificRecord value) {
        return ((PlainAvroSerde) serde).encode(value);
    }
}
