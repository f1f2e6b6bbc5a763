package io.edgedistill.processor.contributions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.scoring.LiveModels;
import io.edgedistill.schemas.serde.PlainAvroSerde;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large round is screened in batches: beyond {@code processor.contributions.batch-above} contributions, arrivals wait
 * for the next screen (at most {@code batch-interval-ms}), are stored at once, and each counts once when screened.
 */
class BatchedScreeningTest {
    @TempDir
    Path stateDir;

    private final ProcessorTopology.TopicSerdes serdes = Fixtures.plainSerdes();
    private final TargetsRegistry targets = new TargetsRegistry();
    private final ProcessorMetrics metrics = ProcessorMetrics.inMemory();

    @SuppressWarnings("unchecked")
    private static <T> byte[] enc(Serde<T> serde, T value) {
        return ((PlainAvroSerde<SpecificRecord>) serde).encode((SpecificRecord) value);
    }

    private static EdgeSummary edge(int i) {
        return Fixtures.summary("edge-" + i, 1, new long[] {300 + 10 * i, 100 + 7 * i, 50 + i}, i);
    }

    @Test
    void beyondTheBatchSizeArrivalsAreStoredAtOnceAndScreenedTogetherAtTheNextInterval() {
        try (TopologyTestDriver driver = Fixtures.driver(Fixtures.config(Map.of("processor.contributions.batch-above", 2,
                        "processor.contributions.batch-interval-ms", 60_000)), stateDir, serdes,
                new ProcessorTopology.Services(targets, new LiveModels(metrics), metrics, d -> { }))) {
            StringSerializer s = new StringSerializer();
            ByteArraySerializer b = new ByteArraySerializer();
            driver.createInputTopic(Topics.ROUNDS, s, b).pipeInput(Fixtures.TASK, enc(serdes.rounds(), Fixtures.round(1)));
            TestInputTopic<String, byte[]> summaries = driver.createInputTopic(Topics.SUMMARIES, s, b);
            for (int i = 0; i < 2; i++) {
                summaries.pipeInput("edge-" + i, enc(serdes.summaries(), edge(i)));
            }
            // up to the batch size, each arrival is screened and aggregated at once
            assertThat(targets.latest(Fixtures.TASK).orElseThrow().accepted()).hasSize(2);

            for (int i = 2; i < 6; i++) {
                summaries.pipeInput("edge-" + i, enc(serdes.summaries(), edge(i)));
            }
            // beyond it, they are stored (nothing is lost to a crash: a restart screens the stored round again) ...
            KeyValueStore<String, byte[]> store = driver.getKeyValueStore(ProcessorTopology.SUBMISSIONS_STORE);
            assertThat(store.approximateNumEntries()).isEqualTo(6);
            // ... and wait for the next screen
            assertThat(targets.latest(Fixtures.TASK).orElseThrow().accepted()).hasSize(2);
            assertThat(metrics.summariesAccepted.count()).isEqualTo(2);

            driver.advanceWallClockTime(Duration.ofSeconds(60));
            assertThat(targets.latest(Fixtures.TASK).orElseThrow().accepted()).extracting(x -> x.edgeId())
                    .containsExactlyInAnyOrder("edge-0", "edge-1", "edge-2", "edge-3", "edge-4", "edge-5");
            assertThat(metrics.summariesAccepted.count()).isEqualTo(6);

            // nothing waits: the next interval screens nothing again
            long revision = targets.latest(Fixtures.TASK).orElseThrow().revision();
            driver.advanceWallClockTime(Duration.ofSeconds(60));
            assertThat(targets.latest(Fixtures.TASK).orElseThrow().revision()).isEqualTo(revision);
        }
    }
}
