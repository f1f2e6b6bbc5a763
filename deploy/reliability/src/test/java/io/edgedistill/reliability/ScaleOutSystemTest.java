package io.edgedistill.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.Preprocessor;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.edge.core.Flows;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.SummaryAnswerer;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.ValidationMetrics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out of the processor: three instances (their own JVMs) of one application id, with one standby copy of every
 * task's state, on the 6 partitions of {@code edge.traffic}. Halfway through the summaries and flows of a round, the
 * instance that aggregates the round is killed with SIGKILL. Every flow is scored exactly once (the model flags every
 * flow, so each scored flow is one alert, read committed), every summary counts exactly once in the aggregate of the
 * instance that takes over, and the synthetic-set versions of the task only increase: no two instances publish
 * competing versions.
 *
 * <p>On the single-broker stack the instances' transactional producers may log {@code CONCURRENT_TRANSACTIONS} and then
 * {@code OUT_OF_ORDER_SEQUENCE_NUMBER} once right after a rebalance (transactions v2: a partition's first write of a
 * transaction waits for the previous transaction's markers, and the batch behind it is refused until then); the
 * producer retries them and the run goes on. The instances' logs are kept in {@code target/scale-out-logs}.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class ScaleOutSystemTest {
    private static final int INSTANCES = 3;
    private static final int EDGES = 30;
    private static final int FLOWS_PER_EDGE = 100;

    @Test
    @Timeout(value = 360, unit = TimeUnit.SECONDS)
    void threeInstancesScoreEveryFlowOnceAndAggregateEverySummaryOnceAcrossAKill(LocalStack stack, @TempDir Path dir)
            throws Exception {
        String task = "scale-" + UUID.randomUUID().toString().substring(0, 8);
        String appId = "distill-processor-scale-" + UUID.randomUUID();
        List<LocalData> shards = LocalData.generatedShards(43, 200 * EDGES, EDGES, 0.5);
        FeatureSpec spec = Preprocessor.fit(LocalData.generated(41, 2000, null).raw());

        List<ServiceProcess> instances = new ArrayList<>();
        try (KafkaProducer<String, SpecificRecord> producer = SystemFixture.avroProducer(stack)) {
            // the model the instances score with flags every flow (so every flow scored is one alert)
            producer.send(new ProducerRecord<>(Topics.MODEL_UPDATES, task, flagsEverything(task, spec))).get();
            for (int i = 0; i < INSTANCES; i++) {
                Path home = Files.createDirectories(dir.resolve("instance-" + i));
                Map<String, String> props = SystemFixture.processorProps(stack, home, task, Map.of(
                        "processor.streams.application-id", appId,
                        "processor.streams.instance-id", "processor-" + i,
                        "processor.streams.standby-replicas", "1",
                        "processor.streams.session-timeout-ms", "6000",
                        "processor.rounds.open-on-start", i == 0 ? "true" : "false",
                        "processor.synthesis.steps", "60", "processor.synthesis.warm-steps", "20",
                        "processor.synthesis.quorum-wait-ms", "2000"));
                instances.add(SystemFixture.startProcessor(props, home));
            }
            RoundSpec round = SystemFixture.awaitRound(stack, task, 1);
            Map<String, EdgeSummary> summaries = new LinkedHashMap<>();
            List<Flows> flows = new ArrayList<>();
            for (int e = 0; e < EDGES; e++) {
                String id = task + "-edge-" + e;
                summaries.put(id, SummaryAnswerer.answer(id, shards.get(e), round));
                flows.add(new Flows(id, shards.get(e)));
            }
            List<String> edges = new ArrayList<>(summaries.keySet());

            // the first half of the summaries and flows
            send(producer, summaries, edges.subList(0, EDGES / 2), flows, 0, FLOWS_PER_EDGE / 2);
            ServiceProcess owner = awaitOwner(instances, task, EDGES / 2);
            // ... until the aggregating instance has published a set of them: the next owner must number above it
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250)).until(() -> !sets(stack, task).isEmpty());
            long beforeKill = sets(stack, task).stream().mapToLong(Long::longValue).max().orElseThrow();
            long t0 = System.nanoTime();
            owner.kill();
            List<ServiceProcess> survivors = instances.stream().filter(p -> p != owner).toList();

            // the rest, while the killed instance's tasks move over
            send(producer, summaries, edges.subList(EDGES / 2, EDGES), flows, FLOWS_PER_EDGE / 2, FLOWS_PER_EDGE);
            ServiceProcess next = awaitOwner(survivors, task, EDGES);
            double takeover = (System.nanoTime() - t0) / 1e9;

            // every summary exactly once
            JsonNode targets = SystemFixture.getJson(next, "/targets?taskId=" + task);
            Set<String> counted = new HashSet<>();
            Map<Integer, Long> perClass = new HashMap<>();
            for (JsonNode c : targets.path("contributions")) {
                assertThat(counted.add(c.path("edgeId").asText())).as("counted once").isTrue();
                for (ClassSummary cs : summaries.get(c.path("edgeId").asText()).getClasses()) {
                    assertThat(c.path("classCounts").get(cs.getClassIndex()).asLong()).isEqualTo(cs.getCount());
                    perClass.merge(cs.getClassIndex(), cs.getCount(), Long::sum);
                }
            }
            assertThat(counted.size() + targets.path("excluded").asInt()).isEqualTo(EDGES);
            for (JsonNode c : targets.path("classes")) {
                assertThat(c.path("samples").asLong()).isEqualTo(perClass.getOrDefault(c.path("index").asInt(), 0L));
            }

            // every flow exactly once
            int sent = EDGES * FLOWS_PER_EDGE;
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() -> alerts(stack, task).size() >= sent);
            List<String> scored = alerts(stack, task);
            assertThat(scored).hasSize(sent).doesNotHaveDuplicates();

            // synthetic-set versions of the task only increase, whichever instance published them: the instance that
            // took over published a set of all the edges, numbered above the killed instance's
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                    .until(() -> sets(stack, task).stream().anyMatch(v -> v > beforeKill));
            List<Long> versions = sets(stack, task);
            for (int i = 1; i < versions.size(); i++) {
                assertThat(versions.get(i)).as("set versions in topic order %s", versions).isGreaterThan(versions.get(i - 1));
            }
            Report.write("scale-out", String.format("%d processor instances (standby replicas 1, session timeout 6 s); the "
                    + "aggregating instance killed mid-round: %d of %d summaries complete on another instance %.1f s after the "
                    + "kill; %d flows over 6 partitions scored exactly once; set versions %s (up to v%d before the kill)", INSTANCES,
                    counted.size() + targets.path("excluded").asInt(), EDGES, takeover, sent, versions, beforeKill));
        } finally {
            instances.forEach(ServiceProcess::close);
            SystemFixture.keepLogs(instances, "scale-out-logs");
        }
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, Map<String, EdgeSummary> summaries,
                             List<String> edges, List<Flows> flows, int from, int to) throws Exception {
        for (String e : edges) {
            producer.send(new ProducerRecord<>(Topics.SUMMARIES, e, summaries.get(e)));
        }
        for (Flows f : flows) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(Topics.TRAFFIC, f.edgeId(), f.flow(i % f.size(), i, Instant.now(), false)));
            }
        }
        producer.flush();
    }

    /** The instance whose aggregate of the task holds {@code edges} edges (accepted or excluded). */
    private static ServiceProcess awaitOwner(List<ServiceProcess> instances, String task, int edges) {
        ServiceProcess[] owner = new ServiceProcess[1];
        Map<Integer, String> seen = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> {
                for (int i = 0; i < instances.size(); i++) {
                    ServiceProcess p = instances.get(i);
                    try {
                        JsonNode t = SystemFixture.getJson(p, "/targets?taskId=" + task);
                        int held = t.path("contributions").size() + t.path("excluded").asInt();
                        seen.put(i, held + " edges");
                        if (held == edges) {
                            owner[0] = p;
                            return true;
                        }
                    } catch (RuntimeException e) {
                        seen.put(i, e.getMessage());
                    }
                }
                return false;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no instance held " + edges + " edges within 2 minutes; last seen: " + seen, e);
        }
        return owner[0];
    }

    private static List<String> alerts(LocalStack stack, String task) {
        return SystemFixture.<AttackAlert>readValues(stack, Topics.ALERTS,
                a -> a.getFlowId() != null && a.getEdgeId().startsWith(task + "-edge-")).stream().map(AttackAlert::getFlowId).toList();
    }

    private static List<Long> sets(LocalStack stack, String task) {
        return SystemFixture.<SyntheticSet>readValues(stack, Topics.SYNTHETIC_SETS, s -> s.getTaskId().equals(task)).stream()
                .map(SyntheticSet::getVersion).toList();
    }

    /** A network whose logits do not depend on the input: UDPFlood by a wide margin. */
    private static ModelUpdate flagsEverything(String task, FeatureSpec spec) {
        int classes = FiveGNiddSchema.CLASSES.size();
        float[] bias = new float[classes];
        bias[FiveGNiddSchema.CLASSES.indexOf("UDPFlood")] = 10f;
        MlpModel model = new MlpModel(new int[] {spec.dim(), classes}, new float[][] {new float[spec.dim() * classes]},
                new float[][] {bias});
        byte[] weights = ModelFormat.write(model);
        return ModelUpdate.newBuilder().setModelId(task).setTaskId(task).setCohort(null).setVersion(1)
                .setFormat("edgedistill-mlp-v1").setArchitecture("mlp").setWeights(ByteBuffer.wrap(weights))
                .setSha256(ModelFormat.sha256Hex(weights)).setSigningKeyId("unsigned").setSignature(ByteBuffer.wrap(new byte[64]))
                .setSyntheticSetVersion(0).setPreprocessing(spec.toJson()).setClasses(new ArrayList<>(FiveGNiddSchema.CLASSES))
                .setMetrics(ValidationMetrics.newBuilder().setAccuracy(0).setMacroF1(0).setSamples(1).build())
                .setCreatedAt(Instant.now()).setAudience(List.of()).build();
    }
}
