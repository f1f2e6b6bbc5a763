package io.edgedistill.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.contributions.QuarantineEntry;
import io.edgedistill.processor.contributions.TargetUpdate;
import io.edgedistill.processor.contributions.TargetsRegistry;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.scoring.LiveModels;
import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AlertSource;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.serde.PlainAvroSerde;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorTopologyTest {
    @TempDir
    Path stateDir;

    private final ProcessorTopology.TopicSerdes serdes = Fixtures.plainSerdes();
    private final TargetsRegistry targets = new TargetsRegistry();
    private final ProcessorMetrics metrics = ProcessorMetrics.inMemory();
    private final LiveModels models = new LiveModels(metrics);
    private final List<DeadLetter> globalDeadLetters = new java.util.concurrent.CopyOnWriteArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> rounds;
    private TestInputTopic<String, byte[]> summaries;
    private TestInputTopic<String, byte[]> knowledge;
    private TestInputTopic<String, byte[]> traffic;
    private TestInputTopic<String, byte[]> modelUpdates;
    private TestOutputTopic<String, byte[]> alerts;
    private TestOutputTopic<byte[], byte[]> summariesDlq;
    private TestOutputTopic<byte[], byte[]> trafficDlq;

    @BeforeEach
    void start() {
        driver = Fixtures.driver(Fixtures.config(), stateDir, serdes,
                new ProcessorTopology.Services(targets, models, metrics, globalDeadLetters::add));
        StringSerializer s = new StringSerializer();
        ByteArraySerializer b = new ByteArraySerializer();
        rounds = driver.createInputTopic(Topics.ROUNDS, s, b);
        summaries = driver.createInputTopic(Topics.SUMMARIES, s, b);
        knowledge = driver.createInputTopic(Topics.KNOWLEDGE, s, b);
        traffic = driver.createInputTopic(Topics.TRAFFIC, s, b);
        modelUpdates = driver.createInputTopic(Topics.MODEL_UPDATES, s, b);
        alerts = driver.createOutputTopic(Topics.ALERTS, new StringDeserializer(), new ByteArrayDeserializer());
        summariesDlq = driver.createOutputTopic(Topics.SUMMARIES + ".dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        trafficDlq = driver.createOutputTopic(Topics.TRAFFIC + ".dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        rounds.pipeInput(Fixtures.TASK, enc(serdes.rounds(), Fixtures.round(1)));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @SuppressWarnings("unchecked")
    private static <T> byte[] enc(org.apache.kafka.common.serialization.Serde<T> serde, T value) {
        return ((PlainAvroSerde<org.apache.avro.specific.SpecificRecord>) serde).encode((org.apache.avro.specific.SpecificRecord) value);
    }

    /** Pipes the summaries in, in order, each keyed by its edge id. */
    private void send(EdgeSummary... list) {
        for (EdgeSummary s : list) {
            summaries.pipeInput(s.getEdgeId(), enc(serdes.summaries(), s));
        }
    }

    private TargetSnapshot snapshot() {
        return targets.latest(Fixtures.TASK).orElseThrow().targets();
    }

    private List<AttackAlert> readAlerts() {
        List<AttackAlert> out = new ArrayList<>();
        while (!alerts.isEmpty()) {
            out.add(serdes.alerts().deserializer().deserialize(Topics.ALERTS, alerts.readValue()));
        }
        return out;
    }

    private List<DeadLetter> readDlq(TestOutputTopic<byte[], byte[]> topic) {
        return Fixtures.deadLetters(serdes, topic);
    }

    /** Expected count-weighted mean of class c, coordinate j (network-major K*E index) over the summaries. */
    private static float weightedMean(List<EdgeSummary> list, int c, int j) {
        double num = 0;
        double den = 0;
        for (EdgeSummary s : list) {
            for (ClassSummary cs : s.getClasses()) {
                if (cs.getClassIndex() == c) {
                    num += cs.getCount() * (double) cs.getMeans().get(j);
                    den += cs.getCount();
                }
            }
        }
        return (float) (num / den);
    }

    private static void assertTargets(TargetSnapshot t, List<EdgeSummary> list) {
        for (int c = 0; c < Fixtures.CLASSES.size(); c++) {
            long total = 0;
            for (EdgeSummary s : list) {
                for (ClassSummary cs : s.getClasses()) {
                    total += cs.getClassIndex() == c ? cs.getCount() : 0;
                }
            }
            assertThat(t.classWeights()[c]).isEqualTo((double) total);
            for (int net = 0; net < Fixtures.K; net++) {
                for (int j = 0; j < Fixtures.E; j++) {
                    assertThat(t.means()[t.index(net, c, j)]).as("class %d net %d dim %d", c, net, j)
                            .isCloseTo(weightedMean(list, c, net * Fixtures.E + j), within(1e-6f));
                }
            }
        }
    }

    @Test
    void validSummariesAggregateToTheExactCountWeightedMean() {
        EdgeSummary a = Fixtures.summary("edge-a", 1, new long[] {500, 20, 0}, 1);
        EdgeSummary b = Fixtures.summary("edge-b", 1, new long[] {10, 300, 40}, 2);
        EdgeSummary c = Fixtures.summary("edge-c", 1, new long[] {100, 0, 250}, 3);
        send(a, b, c);
        TargetUpdate u = targets.latest(Fixtures.TASK).orElseThrow();
        assertThat(u.roundId()).isEqualTo(1);
        assertThat(u.accepted()).extracting(s -> s.edgeId()).containsExactly("edge-a", "edge-b", "edge-c");
        assertThat(u.excluded()).isEmpty();
        assertTargets(u.targets(), List.of(a, b, c));
        assertThat(readDlq(summariesDlq)).isEmpty();
        assertThat(readAlerts()).isEmpty();
        assertThat(metrics.summariesAccepted.count()).isEqualTo(3);
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(ProcessorTopology.SUBMISSIONS_STORE);
        assertThat(store.approximateNumEntries()).isEqualTo(3);
    }

    @Test
    void reSentSummaryReplacesTheEarlierOneAndNeverCountsTwice() {
        EdgeSummary a1 = Fixtures.summary("edge-a", 1, new long[] {500, 20, 10}, 1);
        EdgeSummary b = Fixtures.summary("edge-b", 1, new long[] {10, 300, 40}, 2);
        EdgeSummary a2 = Fixtures.summary("edge-a", 1, new long[] {50, 200, 5}, 7);
        send(a1, b, a2, a2); // a2 twice: duplicate delivery
        TargetUpdate u = targets.latest(Fixtures.TASK).orElseThrow();
        assertThat(u.accepted()).hasSize(2);
        assertTargets(u.targets(), List.of(a2, b));
    }

    @Test
    void invalidSummariesGoToTheDeadLetterTopicWithTheReason() {
        EdgeSummary good = Fixtures.summary("edge-a", 1, new long[] {5, 5, 5}, 1);
        EdgeSummary wrongDims = EdgeSummary.newBuilder(good).setNumNetworks(3).build();
        EdgeSummary nan = EdgeSummary.newBuilder(good).build();
        List<Float> m = new ArrayList<>(nan.getClasses().get(0).getMeans());
        m.set(3, Float.NaN);
        nan.getClasses().set(0, ClassSummary.newBuilder(nan.getClasses().get(0)).setMeans(m).build());
        EdgeSummary unknownRound = EdgeSummary.newBuilder(good).setRoundId(99).build();
        EdgeSummary unknownTask = EdgeSummary.newBuilder(good).setTaskId("no-such-task").build();
        EdgeSummary unknownClass = EdgeSummary.newBuilder(good).build();
        unknownClass.getClasses().set(2, ClassSummary.newBuilder(unknownClass.getClasses().get(2)).setClassIndex(7).build());
        EdgeSummary zeroCount = EdgeSummary.newBuilder(good).build();
        zeroCount.getClasses().set(1, ClassSummary.newBuilder(zeroCount.getClasses().get(1)).setCount(0).build());
        send(wrongDims, nan, unknownRound, unknownTask, unknownClass, zeroCount);
        summaries.pipeInput("edge-x", enc(serdes.summaries(), good)); // key != edgeId
        summaries.pipeInput("edge-a", "garbage, not avro".getBytes(StandardCharsets.UTF_8));
        summaries.pipeInput("edge-a", new byte[] {0, 0, 0, 0, 12, 1, 2}); // wire format, corrupt body

        List<DeadLetter> dl = readDlq(summariesDlq);
        assertThat(dl).hasSize(9);
        assertThat(dl).allSatisfy(d -> {
            assertThat(d.getSourceTopic()).isEqualTo(Topics.SUMMARIES);
            assertThat(d.getService()).contains("distill-processor");
        });
        assertThat(dl.get(0).getErrorMessage()).contains("numNetworks 3 != round's 2");
        assertThat(dl.get(1).getErrorMessage()).contains("not finite");
        assertThat(dl.get(2).getErrorMessage()).contains("round 99");
        assertThat(dl.get(3).getErrorMessage()).contains("unknown task 'no-such-task'");
        assertThat(dl.get(4).getErrorMessage()).contains("classIndex 7 outside");
        assertThat(dl.get(5).getErrorMessage()).contains("count 0 < 1");
        assertThat(dl.get(6).getErrorMessage()).contains("does not match the record key 'edge-x'");
        assertThat(dl.get(7).getErrorClass()).isEqualTo("NotWireFormat");
        assertThat(dl.get(7).getValue().remaining()).isEqualTo("garbage, not avro".length());
        assertThat(dl.get(8).getErrorMessage()).contains("cannot decode");
        assertThat(targets.latest(Fixtures.TASK)).isEmpty();
        assertThat(metrics.summariesDeadLettered.count()).isEqualTo(9);
    }

    @Test
    void labelFlippedSummaryIsQuarantinedWithAnAlertAndExcludedFromTheTargets() {
        List<EdgeSummary> honest = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            honest.add(Fixtures.summary("edge-" + i, 1, new long[] {200 + 10 * i, 150, 100}, 10 + i));
        }
        EdgeSummary poisoned = Fixtures.summary("edge-evil", 1, new long[] {200, 200, 100}, 77, true);
        send(honest.get(0));
        send(poisoned); // early: too few peers to judge yet
        for (int i = 1; i < 5; i++) {
            send(honest.get(i));
        }
        List<AttackAlert> a = readAlerts();
        assertThat(a).hasSize(1);
        assertThat(a.get(0).getKind()).isEqualTo(AlertKind.POISONED_CONTRIBUTION);
        assertThat(a.get(0).getSource()).isEqualTo(AlertSource.PROCESSOR);
        assertThat(a.get(0).getEdgeId()).isEqualTo("edge-evil");
        assertThat(a.get(0).getDetail()).contains("label flip");
        TargetUpdate u = targets.latest(Fixtures.TASK).orElseThrow();
        assertThat(u.accepted()).extracting(s -> s.edgeId()).doesNotContain("edge-evil").hasSize(5);
        assertThat(u.excluded()).extracting(QuarantineEntry::edgeId).containsExactly("edge-evil");
        assertTargets(u.targets(), honest);
        KeyValueStore<String, String> q = driver.getKeyValueStore(ProcessorTopology.QUARANTINE_STORE);
        QuarantineEntry e = QuarantineEntry.decode(q.get("test-task|1|DATA|edge-evil"));
        assertThat(e.score()).isGreaterThan(e.threshold());
        assertThat(metrics.contributionsQuarantined.count()).isEqualTo(1);
    }

    @Test
    void badRoundRecordsAreDeadLetteredAndTheCurrentRoundStays() {
        rounds.pipeInput(Fixtures.TASK, "not avro".getBytes(StandardCharsets.UTF_8));
        RoundSpec broken = Fixtures.round(2);
        broken.getNetwork().setCount(0);
        rounds.pipeInput(Fixtures.TASK, enc(serdes.rounds(), broken));
        rounds.pipeInput("another-task", enc(serdes.rounds(), Fixtures.round(3))); // key is not the task id
        rounds.pipeInput(Fixtures.TASK, enc(serdes.rounds(), Fixtures.round(1))); // round 1 again
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(ProcessorTopology.ROUNDS_STORE);
        assertThat(serdes.rounds().deserializer().deserialize(Topics.ROUNDS, store.get(Fixtures.TASK)).getRoundId())
                .as("the valid round 1 stays current").isEqualTo(1);
        assertThat(globalDeadLetters).extracting(DeadLetter::getErrorClass)
                .containsExactly("NotWireFormat", "InvalidRecord", "InvalidRecord", "InvalidRecord");
        assertThat(globalDeadLetters.get(1).getErrorMessage()).contains("non-positive network dimensions");
        assertThat(globalDeadLetters.get(2).getErrorMessage()).contains("key must be the task id");
        assertThat(globalDeadLetters.get(3).getErrorMessage()).contains("duplicate or out of order");
        assertThat(metrics.roundsDeadLettered.count()).isEqualTo(4);
        // contributions are still validated against round 1
        send(Fixtures.summary("edge-a", 1, new long[] {10, 10, 10}, 1));
        assertThat(targets.latest(Fixtures.TASK)).isPresent();
    }

    @Test
    void knowledgeJoinsTheTargetsAsAKnowledgeContribution() {
        send(Fixtures.summary("edge-a", 1, new long[] {100, 100, 100}, 1));
        knowledge.pipeInput("edge-a", enc(serdes.knowledge(), Fixtures.knowledge("edge-a", 1, 2, 30)));
        knowledge.pipeInput("edge-b", enc(serdes.knowledge(), Fixtures.knowledge("edge-a", 1, 2, 30))); // key mismatch
        TargetUpdate u = targets.latest(Fixtures.TASK).orElseThrow();
        assertThat(u.accepted()).extracting(s -> s.kind()).containsExactlyInAnyOrder(SummaryKind.DATA, SummaryKind.KNOWLEDGE);
        assertThat(u.targets().classWeights()[2]).isEqualTo(130.0);
        TestOutputTopic<byte[], byte[]> kdlq = driver.createOutputTopic(Topics.KNOWLEDGE + ".dlq",
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(readDlq(kdlq)).singleElement().satisfies(d -> assertThat(d.getErrorMessage()).contains("record key"));
    }

    @Test
    void trafficIsScoredInBatchesAgainstTheLiveModelAndTamperedUpdatesAreIgnored() {
        modelUpdates.pipeInput(Fixtures.TASK, enc(serdes.models(), Fixtures.modelUpdate(1, false)));
        modelUpdates.pipeInput(Fixtures.TASK, enc(serdes.models(), Fixtures.modelUpdate(2, true)));
        assertThat(models.get(Fixtures.TASK)).hasValueSatisfying(m -> assertThat(m.version()).isEqualTo(1));
        assertThat(models.rejections()).singleElement().satisfies(r -> {
            assertThat(r.version()).isEqualTo(2);
            assertThat(r.reason()).contains("BAD_CHECKSUM").contains("SHA-256");
        });
        assertThat(metrics.modelsRejected.count()).isEqualTo(1);
        assertThat(globalDeadLetters).as("the tampered update is dead-lettered").singleElement().satisfies(d -> {
            assertThat(d.getSourceTopic()).isEqualTo(Topics.MODEL_UPDATES);
            assertThat(d.getErrorMessage()).contains("BAD_CHECKSUM");
        });

        traffic.pipeInput("edge-1", enc(serdes.traffic(), Fixtures.flow("edge-1", "f1", 0, 5, "udp")));   // UDPFlood
        traffic.pipeInput("edge-1", enc(serdes.traffic(), Fixtures.flow("edge-1", "f2", 0, 0, "tcp")));   // benign
        traffic.pipeInput("edge-2", enc(serdes.traffic(), Fixtures.flow("edge-2", "f3", 3, 0, "tcp")));   // SYNScan
        traffic.pipeInput("edge-2", enc(serdes.traffic(), Fixtures.flow("edge-2", "f4", 0.05, 0, "tcp"))); // unsure
        traffic.pipeInput("edge-2", "junk".getBytes(StandardCharsets.UTF_8));
        assertThat(readAlerts()).isEmpty(); // buffered: batch not full, no punctuation yet
        KeyValueStore<Long, byte[]> buffer = driver.getKeyValueStore(ProcessorTopology.TRAFFIC_BUFFER_STORE);
        assertThat(buffer.approximateNumEntries()).isEqualTo(4); // pending flows are in the changelogged buffer
        assertThat(readDlq(trafficDlq)).singleElement().satisfies(d -> assertThat(d.getErrorClass()).isEqualTo("NotWireFormat"));

        driver.advanceWallClockTime(Duration.ofMillis(50));
        List<AttackAlert> a = readAlerts();
        assertThat(a).extracting(AttackAlert::getFlowId).containsExactly("f1", "f3");
        assertThat(a).extracting(AttackAlert::getAttackClass).containsExactly("UDPFlood", "SYNScan");
        assertThat(a).allSatisfy(x -> {
            assertThat(x.getKind()).isEqualTo(AlertKind.NETWORK_ATTACK);
            assertThat(x.getSource()).isEqualTo(AlertSource.PROCESSOR);
            assertThat(x.getModelVersion()).isEqualTo(1L);
            assertThat(x.getScore()).isGreaterThanOrEqualTo(0.8);
        });
        assertThat(metrics.flowsScored.count()).isEqualTo(4);
        assertThat(buffer.approximateNumEntries()).isZero(); // scored flows leave the buffer in the same commit
        assertThat(a.get(0).getAlertId()).isEqualTo("edge-1/f1/test-task@1");

        // a full batch is scored without waiting for the punctuation
        for (int i = 0; i < 100; i++) {
            traffic.pipeInput("edge-3", enc(serdes.traffic(), Fixtures.flow("edge-3", "g" + i, 0, 5, "udp")));
        }
        assertThat(readAlerts()).hasSize(100);
    }

    @Test
    void flowsBufferedUnderOneModelAreScoredByTheModelLiveAtTheFlush() {
        modelUpdates.pipeInput(Fixtures.TASK, enc(serdes.models(), Fixtures.modelUpdate(1, false)));
        traffic.pipeInput("edge-1", enc(serdes.traffic(), Fixtures.flow("edge-1", "f1", 0, 5, "udp")));
        traffic.pipeInput("edge-1", enc(serdes.traffic(), Fixtures.flow("edge-1", "f2", 0, 5, "udp"))); // read straight into rows
        modelUpdates.pipeInput(Fixtures.TASK, enc(serdes.models(), Fixtures.modelUpdate(3, false)));
        assertThat(models.get(Fixtures.TASK)).hasValueSatisfying(m -> assertThat(m.version()).isEqualTo(3));
        driver.advanceWallClockTime(Duration.ofMillis(50));
        assertThat(readAlerts()).extracting(AttackAlert::getFlowId, AttackAlert::getModelVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("f1", 3L), org.assertj.core.groups.Tuple.tuple("f2", 3L));
    }

    @Test
    void flowsBeforeAnyModelPassUnscored() {
        traffic.pipeInput("edge-1", enc(serdes.traffic(), Fixtures.flow("edge-1", "f1", 0, 5, "udp")));
        driver.advanceWallClockTime(Duration.ofMillis(50));
        assertThat(readAlerts()).isEmpty();
        assertThat(metrics.flowsUnscored.count()).isEqualTo(1);
    }
}
