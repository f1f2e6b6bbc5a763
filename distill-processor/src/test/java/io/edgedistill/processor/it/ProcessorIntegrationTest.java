package io.edgedistill.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.rounds.RoundService;
import io.edgedistill.processor.runtime.StreamsRunner;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor application on the real broker and registry: it opens a round on start; summaries from
 * three edges (registry-encoded, as the edge producer sends them) become targets, the optimiser runs off the
 * stream thread and a synthetic set with their provenance appears on distill.synthetic-sets; the HTTP API
 * and Prometheus metrics reflect it.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class ProcessorIntegrationTest {

    @TempDir
    Path stateDir;

    @Test
    void summariesFromThreeEdgesPublishASyntheticSet(LocalStack stack) throws Exception {
        String task = "it-task-" + UUID.randomUUID();
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", -1);
        props.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        props.put("edgedistill.kafka.registry-url", stack.registryUrl());
        props.put("processor.streams.application-id", "processor-it-" + UUID.randomUUID());
        props.put("processor.streams.state-dir", stateDir.toString());
        props.put("processor.streams.threads", 1);
        props.put("processor.rounds.task-id", task);
        props.put("processor.rounds.networks.count", Fixtures.K);
        props.put("processor.rounds.networks.hidden-dim", Fixtures.HIDDEN);
        props.put("processor.rounds.networks.embed-dim", Fixtures.E);
        props.put("processor.rounds.samples-per-class", 2);
        props.put("processor.rounds.dataset-rows", 2000);
        props.put("processor.synthesis.steps", 40);
        props.put("processor.synthesis.warm-steps", 10);
        props.put("processor.synthesis.debounce-ms", 300);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            ApplicationContext ctx = server.getApplicationContext();
            RoundSpec round = ctx.getBean(RoundService.class).current().orElseThrow();
            assertThat(round.getTaskId()).isEqualTo(task);
            StreamsRunner streams = ctx.getBean(StreamsRunner.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);

            int numClasses = round.getClasses().size();
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            pp.put(ProducerConfig.ACKS_CONFIG, "all");
            pp.putAll(AvroSerdes.producerValueConfig(stack.registryUrl()));
            try (KafkaProducer<String, EdgeSummary> producer = new KafkaProducer<>(pp, new StringSerializer(), null)) {
                for (int e = 0; e < 3; e++) {
                    long[] counts = new long[numClasses];
                    for (int c = 0; c < numClasses; c++) {
                        counts[c] = (c + e) % 3 == 0 ? 0 : 50 + 10 * c;
                    }
                    EdgeSummary s = EdgeSummary.newBuilder(Fixtures.summary("edge-" + e, round.getRoundId(), counts, e))
                            .setTaskId(task).build();
                    producer.send(new ProducerRecord<>(Topics.SUMMARIES, s.getEdgeId(), s)).get();
                }
            }

            Properties cp = new Properties();
            cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            cp.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
            cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            cp.putAll(AvroSerdes.consumerValueConfig(stack.registryUrl()));
            AtomicReference<SyntheticSet> found = new AtomicReference<>();
            try (KafkaConsumer<String, SyntheticSet> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), null)) {
                consumer.subscribe(List.of(Topics.SYNTHETIC_SETS));
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    for (ConsumerRecord<String, SyntheticSet> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.key().equals(task)) {
                            found.set(r.value());
                        }
                    }
                    return found.get() != null;
                });
            }
            SyntheticSet set = found.get();
            assertThat(set.getVersion()).isGreaterThanOrEqualTo(1);
            assertThat(set.getRoundId()).isEqualTo(round.getRoundId());
            assertThat(set.getFeatureDim()).isEqualTo(round.getNetwork().getInputDim());
            assertThat(set.getSamples()).hasSize(numClasses * 2);
            assertThat(set.getPreprocessingSha256()).isEqualTo(round.getPreprocessing().getSha256());
            assertThat(set.getProvenance().getContributions()).extracting(c -> c.getEdgeId())
                    .containsExactlyInAnyOrder("edge-0", "edge-1", "edge-2");

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.getPort();
            HttpResponse<String> targets = http.send(HttpRequest.newBuilder(URI.create(base + "/targets")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(targets.statusCode()).isEqualTo(200);
            assertThat(targets.body()).contains("edge-0").contains(task);
            HttpResponse<String> current = http.send(HttpRequest.newBuilder(URI.create(base + "/rounds/current")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(current.body()).contains("\"roundId\":" + round.getRoundId()).contains("interactive-query");
            await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(
                    URI.create(base + "/synthetic-set")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("edgedistill_processor_summaries_accepted_total")
                    .contains("edgedistill_processor_synthetic_sets_published_total");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("UP");
        }
    }
}
