package io.edgedistill.edge.app;

import static io.edgedistill.deploy.StackClients.avroConsumer;
import static io.edgedistill.deploy.StackClients.avroProducer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.edge.core.EdgeFixtures;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.ModelVerifier;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.Topics;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The edge app on the real broker and registry: a round in → its summary out; a signed model in → the edge
 * swaps to it, scores its traffic (alerts) and, its (untrained) model underperforming, sends knowledge.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EdgeIntegrationTest {

    @Test
    void answersRoundsSwapsToSignedModelsStreamsScoresAndReports(LocalStack stack) throws Exception {
        EdgeFixtures fx = new EdgeFixtures(11, 2000);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String task = "it-" + suffix;
        String edgeId = "edge-it-" + suffix;
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", -1);
        props.put("edge.id", edgeId);
        props.put("edge.task-id", task);
        props.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        props.put("edgedistill.kafka.registry-url", stack.registryUrl());
        props.put("edge.data.rows", 2000);
        props.put("edge.data.edges", 1);
        props.put("edge.traffic.rate", 300);
        props.put("edge.trusted-keys", List.of(Ed25519Keys.encodePublic(fx.key.getPublic())));
        props.put("edge.knowledge.interval", "2s");

        Map<String, List<SpecificRecord>> seen = new ConcurrentHashMap<>();
        try (ApplicationContext ctx = EdgeApplication.start(props);
             KafkaProducer<String, SpecificRecord> producer = avroProducer(stack,
                     Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20));
             KafkaConsumer<String, SpecificRecord> consumer = avroConsumer(stack, "edge-it-" + suffix)) {
            EmbeddedServer server = ctx.getBean(EmbeddedServer.class);
            EdgeRuntime rt = ctx.getBean(EdgeRuntime.class);
            consumer.subscribe(List.of(Topics.SUMMARIES, Topics.TRAFFIC, Topics.ALERTS, Topics.KNOWLEDGE));

            // an undecodable round and an invalid one go to the dead-letter topic; the edge carries on
            try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(Topics.ROUNDS, task, new byte[] {0, 0, 0, 0, 99, 1, 2})).get();
            }
            var invalid = fx.round(task, 0, true, false);
            invalid.getNetwork().setCount(0);
            producer.send(new ProducerRecord<>(Topics.ROUNDS, task, invalid)).get();
            producer.send(new ProducerRecord<>(Topics.ROUNDS, task, fx.round(task, 1, true, false))).get();
            awaitRecord(consumer, seen, edgeId, Topics.SUMMARIES);
            EdgeSummary s = (EdgeSummary) seen.get(Topics.SUMMARIES).get(0);
            assertThat(s.getTaskId()).isEqualTo(task);
            assertThat(s.getRoundId()).isEqualTo(1);
            assertThat(s.getNumNetworks()).isEqualTo(4);
            assertThat(s.getClasses()).allSatisfy(c -> assertThat(c.getMeans()).hasSize(4 * 16));

            producer.send(new ProducerRecord<>(Topics.MODEL_UPDATES, task, fx.update(task, 1, fx.randomModel(3)))).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> rt.node().slot().live() != null);
            assertThat(rt.node().runningVersion()).isEqualTo(task + " v1");

            HttpClient http = HttpClient.newHttpClient();
            JsonNode model = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                    server.getURI().resolve("/edge/model")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(model.get("version").asLong()).isEqualTo(1);

            // a forged update is rejected and counted
            var forged = fx.update(task, 2, fx.randomModel(4), Ed25519Keys.generate(), fx.keyId);
            producer.send(new ProducerRecord<>(Topics.MODEL_UPDATES, task, forged)).get();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    rt.node().slot().rejectedCount(ModelVerifier.Reason.BAD_SIGNATURE) == 1);
            assertThat(rt.node().runningVersion()).isEqualTo(task + " v1");

            awaitRecord(consumer, seen, edgeId, Topics.TRAFFIC);
            awaitRecord(consumer, seen, edgeId, Topics.ALERTS);
            awaitRecord(consumer, seen, edgeId, Topics.KNOWLEDGE);

            JsonNode status = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                    server.getURI().resolve("/edge")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(status.get("traffic").get("acked").asLong()).isPositive();
            assertThat(status.get("rejectedUpdates").get("BAD_SIGNATURE").asLong()).isEqualTo(1);
            try (KafkaConsumer<String, SpecificRecord> dlq = avroConsumer(stack, "edge-it-" + suffix + "-dlq")) {
                dlq.subscribe(List.of(Topics.deadLetterTopic(Topics.ROUNDS)));
                Map<String, List<SpecificRecord>> letters = new ConcurrentHashMap<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (ConsumerRecord<String, SpecificRecord> r : dlq.poll(Duration.ofMillis(200))) {
                        if (task.equals(r.key())) {
                            letters.computeIfAbsent("all", k -> new CopyOnWriteArrayList<>()).add(r.value());
                        }
                    }
                    return letters.getOrDefault("all", List.of()).size() >= 2;
                });
                assertThat(letters.get("all")).extracting(l -> ((DeadLetter) l).getService())
                        .containsOnly("edge-" + edgeId);
                assertThat(letters.get("all")).extracting(l -> ((DeadLetter) l).getErrorMessage())
                        .anyMatch(m -> m.contains("non-positive network dimensions"));
            }
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(server.getURI().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("runningModel");
            String prom = http.send(HttpRequest.newBuilder(server.getURI().resolve("/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(prom).contains("edge_model_version").contains("edge_traffic_acked");
        }
    }

    private static void awaitRecord(KafkaConsumer<String, SpecificRecord> consumer, Map<String, List<SpecificRecord>> seen,
                                    String edgeId, String topic) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                if (edgeId.equals(r.key())) {
                    seen.computeIfAbsent(r.topic(), t -> new CopyOnWriteArrayList<>()).add(r.value());
                }
            }
            return seen.containsKey(topic);
        });
    }
}
