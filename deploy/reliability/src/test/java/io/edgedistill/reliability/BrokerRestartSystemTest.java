package io.edgedistill.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.EdgeSettings;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.ModelVerifier;
import io.edgedistill.edge.core.TrafficStreamer;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker restarts under load (issue 5 item 2): three edges stream traffic (idempotent, acks=all, small bounded
 * buffers) to a running processor and updater; the broker is stopped for a while and started again. Every
 * acknowledged flow is on {@code edge.traffic} exactly once, the edges' buffers fill (counted, logged) and drain,
 * and the processor, the updater and the edges carry on by themselves: a round opened after the restart is
 * answered, aggregated, distilled and turned into a model decision.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class BrokerRestartSystemTest {

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void acknowledgedRecordsArriveExactlyOnceAndEveryServiceReconnects(LocalStack stack, @TempDir Path dir) throws Exception {
        String task = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        int edgesCount = 3;
        long flowsPerEdge = 2_000; // enough to fill the queue during the outage (about 600 flows after the stop) and drain after it
        try (ServiceProcess updater = SystemFixture.startUpdater(stack, dir, Map.of())) {
            JsonNode keys = SystemFixture.getJson(updater, "/keys");
            String trusted = keys.path("keyId").asText() + "=" + keys.path("publicKey").asText();
            try (ServiceProcess processor = SystemFixture.startProcessor(SystemFixture.processorProps(stack, dir, task,
                    Map.of("processor.scoring.trusted-keys", trusted, "processor.synthesis.steps", "100")), dir)) {
                SystemFixture.awaitRound(stack, task, 1);
                // 250 flows/s per edge into a 400-flow queue and a 128 KiB producer buffer: a few seconds of outage fill them
                TrafficStreamer.Settings traffic = new TrafficStreamer.Settings(250, 400, 128 << 10, 60_000, 5, 16 << 10,
                        "none", flowsPerEdge);
                List<LocalData> shards = LocalData.generatedShards(17, 6000, edgesCount, 1.0);
                List<EdgeRuntime> edges = new ArrayList<>();
                for (int i = 0; i < edgesCount; i++) {
                    EdgeRuntime e = EdgeRuntime.create(new EdgeSettings(task + "-edge-" + i, task, "", true, 0.0, 0.6f, 0.5, 50, true),
                            shards.get(i), ModelVerifier.fromConfig(List.of(trusted)),
                            new EdgeRuntime.Settings(KafkaClientSettings.of(stack.bootstrapServers(), stack.registryUrl()),
                                    traffic, true, 256, Duration.ofHours(1)));
                    e.start();
                    edges.add(e);
                }
                try {
                    await().atMost(Duration.ofSeconds(120)).until(() -> edges.stream().allMatch(e -> e.streamer().acked() >= 500));
                    long[] ackedAtStop = edges.stream().mapToLong(e -> e.streamer().acked()).toArray();
                    long d0 = System.nanoTime();
                    stack.broker().stop();
                    // the edges keep observing traffic: it waits in their bounded buffers, then the source is held back
                    await().atMost(Duration.ofSeconds(60)).until(() -> edges.stream().allMatch(e -> e.streamer().queueFullEvents() > 0));
                    for (int i = 0; i < edgesCount; i++) {
                        assertThat(edges.get(i).streamer().acked()).isLessThan(edges.get(i).streamer().produced());
                    }
                    stack.broker().start(Duration.ofSeconds(120));
                    long downMillis = (System.nanoTime() - d0) / 1_000_000;
                    long r0 = System.nanoTime();

                    // every flow is acknowledged once the broker is back
                    await().atMost(Duration.ofMinutes(5)).until(() -> edges.stream().allMatch(e -> e.streamer().acked() == flowsPerEdge));
                    long drainMillis = (System.nanoTime() - r0) / 1_000_000;

                    // the services carry on: a new round is answered, aggregated, distilled and decided on
                    long round2 = SystemFixture.JSON.readTree(processor.post("/rounds")).path("roundId").asLong();
                    assertThat(round2).isEqualTo(2);
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                        JsonNode t = SystemFixture.getJson(processor, "/targets?taskId=" + task);
                        return t.path("roundId").asLong() == round2
                                && t.path("contributions").size() + t.path("excluded").asInt() == edgesCount;
                    });
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                            SystemFixture.<SyntheticSet>readValues(stack, Topics.SYNTHETIC_SETS,
                                    s -> s.getTaskId().equals(task) && s.getRoundId() == round2).size() > 0);
                    long set2 = SystemFixture.<SyntheticSet>readValues(stack, Topics.SYNTHETIC_SETS,
                            s -> s.getTaskId().equals(task) && s.getRoundId() == round2).get(0).getVersion();
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                        for (JsonNode h : SystemFixture.getJson(updater, "/models").path("history")) {
                            if (h.path("modelId").asText().equals(task) && h.path("syntheticSetVersion").asLong() >= set2) {
                                return true;
                            }
                        }
                        return false;
                    });
                    assertThat(processor.get("/health")).contains("UP");
                    assertThat(updater.get("/health")).contains("UP");
                    for (EdgeRuntime e : edges) {
                        assertThat(e.consuming()).isTrue();
                    }

                    // exactly once on the topic: every acknowledged flow, no duplicate
                    Map<String, Integer> copies = new HashMap<>();
                    try (Deserializer<TrafficFlow> d = AvroSerdes.deserializer(stack.registryUrl(), false)) {
                        for (ConsumerRecord<byte[], byte[]> r : SystemFixture.readAll(stack, Topics.TRAFFIC)) {
                            String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                            if (key.startsWith(task)) {
                                copies.merge(d.deserialize(Topics.TRAFFIC, r.headers(), r.value()).getFlowId(), 1, Integer::sum);
                            }
                        }
                    }
                    long duplicates = copies.values().stream().filter(n -> n > 1).count();
                    assertThat(copies).as("distinct flows on the topic").hasSize((int) (edgesCount * flowsPerEdge));
                    assertThat(duplicates).as("flows written twice").isZero();
                    List<String> perEdge = new ArrayList<>();
                    for (int i = 0; i < edgesCount; i++) {
                        TrafficStreamer s = edges.get(i).streamer();
                        perEdge.add(String.format("edge %d: produced %d, acknowledged %d (%d at the stop), queue-full events %d,"
                                        + " blocked sends retried %d", i, s.produced(), s.acked(), ackedAtStop[i], s.queueFullEvents(),
                                s.sendBlockedRetries()));
                    }
                    Report.write("broker-restart", String.format("broker stopped and restarted after %d ms of outage; %d flows "
                                    + "acknowledged by %d edges, %d distinct on the topic, %d duplicates, 0 lost; buffers drained %d ms after "
                                    + "the restart; round %d answered by every edge, aggregated, synthetic set v%d, model decision made%n  %s",
                            downMillis, edgesCount * flowsPerEdge, edgesCount, copies.size(), duplicates, drainMillis, round2, set2,
                            String.join("\n  ", perEdge)));
                } finally {
                    for (EdgeRuntime e : edges) {
                        e.close();
                    }
                }
            }
        } finally {
            if (!stack.broker().isRunning()) {
                stack.broker().start(Duration.ofSeconds(120)); // leave the shared stack as it was found
            }
        }
    }
}
