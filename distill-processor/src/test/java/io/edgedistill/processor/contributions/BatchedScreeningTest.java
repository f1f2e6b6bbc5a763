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
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.schemas.AttackAlert;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
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

    @Test
    void aPoisonedContributionStoredButNotYetScreenedIsQuarantinedWithItsAlertAfterARestart() {
        var cfg = Fixtures.config(Map.of("processor.contributions.batch-above", 2,
                "processor.contributions.batch-interval-ms", 60_000)).contributions();
        // the stores outlive the processor (as the changelogged stores do a restart)
        KeyValueStore<String, byte[]> rounds = store(ProcessorTopology.ROUNDS_STORE, Serdes.ByteArray());
        KeyValueStore<String, byte[]> submissions = store(ProcessorTopology.SUBMISSIONS_STORE, Serdes.ByteArray());
        KeyValueStore<String, String> quarantine = store(ProcessorTopology.QUARANTINE_STORE, Serdes.String());
        io.edgedistill.schemas.RoundSpec round = Fixtures.round(1);
        MockProcessorContext<String, AttackAlert> first = context(rounds, submissions, quarantine);
        rounds.put(Fixtures.TASK, enc(serdes.rounds(), round));
        AggregationProcessor before = new AggregationProcessor(cfg, serdes.rounds().deserializer(), targets, metrics);
        before.init(first);
        for (int i = 0; i < 5; i++) {
            before.process(record(Fixtures.summary("edge-" + i, 1, new long[] {200 + 10 * i, 150, 100}, 10 + i), round));
        }
        before.process(record(Fixtures.summary("edge-evil", 1, new long[] {200, 200, 100}, 77, true), round));
        assertThat(first.forwarded()).as("stored, not screened yet").isEmpty();
        assertThat(submissions.get("test-task|1|DATA|edge-evil")).isNotNull();

        // the processor stops before the screen; the next one rebuilds the round and decides at its first punctuation
        ProcessorMetrics after = ProcessorMetrics.inMemory();
        MockProcessorContext<String, AttackAlert> second = context(rounds, submissions, quarantine);
        new AggregationProcessor(cfg, serdes.rounds().deserializer(), new TargetsRegistry(), after).init(second);
        assertThat(second.forwarded()).isEmpty();
        second.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(System.currentTimeMillis()));
        assertThat(second.forwarded().stream().map(f -> (String) f.record().key()).toList()).containsExactly("edge-evil");
        assertThat(quarantine.get("test-task|1|DATA|edge-evil")).isNotNull();
        assertThat(after.contributionsQuarantined.count()).isEqualTo(1);
    }

    private static <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled().build();
    }

    private static MockProcessorContext<String, AttackAlert> context(KeyValueStore<?, ?>... stores) {
        MockProcessorContext<String, AttackAlert> c = new MockProcessorContext<>();
        for (KeyValueStore<?, ?> st : stores) {
            if (!st.isOpen()) {
                st.init(c.getStateStoreContext(), st);
            }
            c.addStateStore(st);
        }
        return c;
    }

    private static Record<String, SummaryStats> record(EdgeSummary s, io.edgedistill.schemas.RoundSpec round) {
        return new Record<>(Fixtures.TASK, ContributionAdapter.SUMMARIES.toCore(s, round), System.currentTimeMillis());
    }
}
