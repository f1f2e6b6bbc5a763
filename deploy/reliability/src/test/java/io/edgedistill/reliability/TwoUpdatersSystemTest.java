package io.edgedistill.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.SummaryAnswerer;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two updater instances (their own JVMs) in one consumer group: one is active and the other a standby. Only the active
 * one trains and publishes, so the set of round 1 gives exactly one signed model. The active instance is then killed
 * with SIGKILL; the standby takes over after the session timeout and publishes the model of round 2's set, numbered
 * after the first: one signed model per synthetic-set version, versions strictly increasing. (That the standby does not
 * train again a set whose model the dead instance published before committing the set's offset is shown by
 * {@code ModelUpdateServiceTest}: here the kill comes after the commit.)
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class TwoUpdatersSystemTest {
    private static final int EDGES = 10;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void oneActiveUpdaterPublishesOneModelPerSetAndTheStandbyTakesOverAfterAKill(LocalStack stack, @TempDir Path dir)
            throws Exception {
        String task = "updaters-" + UUID.randomUUID().toString().substring(0, 8);
        List<LocalData> shards = LocalData.generatedShards(47, 300 * EDGES, EDGES, 0.5);
        Path p = Files.createDirectories(dir.resolve("processor"));
        Map<String, String> pair = Map.of("updater.kafka.group-id", "model-updater-pair-" + UUID.randomUUID(),
                "updater.kafka.session-timeout-ms", "6000",
                // every candidate is published: this test is about who publishes, not about the quality gate
                "updater.training.min-improvement", "-1.0");
        List<ServiceProcess> started = new ArrayList<>();
        try (ServiceProcess processor = SystemFixture.startProcessor(SystemFixture.processorProps(stack, p, task,
                Map.of("processor.synthesis.steps", "60", "processor.synthesis.warm-steps", "20",
                        "processor.synthesis.quorum-wait-ms", "2000")), p);
             ServiceProcess first = SystemFixture.startUpdater(stack, Files.createDirectories(dir.resolve("updater-0")), pair);
             ServiceProcess second = SystemFixture.startUpdater(stack, Files.createDirectories(dir.resolve("updater-1")), pair);
             KafkaProducer<String, SpecificRecord> producer = SystemFixture.avroProducer(stack)) {
            List<ServiceProcess> updaters = List.of(first, second);
            started.addAll(List.of(processor, first, second));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> updaters.stream().filter(TwoUpdatersSystemTest::active).count() == 1);
            ServiceProcess active = updaters.stream().filter(TwoUpdatersSystemTest::active).findFirst().orElseThrow();
            ServiceProcess standby = active == first ? second : first;

            // round 1: one model, from the active instance only
            answer(producer, shards, SystemFixture.awaitRound(stack, task, 1), task);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> !models(stack, task).isEmpty());
            assertThat(published(standby)).isZero();
            // the standby follows what the active instance publishes: it knows the task's live model (the shared
            // stack's topic also holds other tests' models)
            long firstVersion = models(stack, task).get(0).getVersion();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                for (JsonNode m : SystemFixture.getJson(standby, "/models").path("live")) {
                    if (m.path("modelId").asText().equals(task) && m.path("version").asLong() >= firstVersion) {
                        return true;
                    }
                }
                return false;
            });

            // the active instance dies; round 2's set goes to the standby once its session has timed out
            // the newest set when the active instance dies (round 1 may have produced more than one)
            long setAtKill = SystemFixture.<SyntheticSet>readValues(stack, Topics.SYNTHETIC_SETS, x -> x.getTaskId().equals(task))
                    .stream().mapToLong(SyntheticSet::getVersion).max().orElseThrow();
            active.kill();
            long killed = System.nanoTime();
            long round2 = SystemFixture.JSON.readTree(processor.post("/rounds")).path("roundId").asLong();
            answer(producer, shards, SystemFixture.awaitRound(stack, task, round2), task);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> models(stack, task).stream().anyMatch(u -> u.getSyntheticSetVersion() > setAtKill));
            double takeover = (System.nanoTime() - killed) / 1e9;
            assertThat(active(standby)).isTrue();
            assertThat(health(standby).path("takeovers").asLong()).isEqualTo(1);
            assertThat(published(standby)).as("the model after the kill is the standby's").isGreaterThanOrEqualTo(1);

            List<ModelUpdate> models = models(stack, task);
            List<Long> sets = models.stream().map(ModelUpdate::getSyntheticSetVersion).toList();
            List<Long> versions = models.stream().map(ModelUpdate::getVersion).toList();
            assertThat(sets).as("one signed model per synthetic-set version").doesNotHaveDuplicates();
            for (int i = 1; i < versions.size(); i++) {
                assertThat(versions.get(i)).as("model versions in topic order %s", versions).isEqualTo(versions.get(i - 1) + 1);
            }
            Report.write("two-updaters", String.format("2 updater instances in one group (session timeout 6 s): one active; "
                    + "the active one killed; the standby published the next set's model %.1f s after the kill (round 2 "
                    + "opened and answered after the kill); models %s from sets %s: one per set", takeover, versions, sets));
        } finally {
            SystemFixture.keepLogs(started, "two-updaters-logs");
        }
    }

    private static void answer(KafkaProducer<String, SpecificRecord> producer, List<LocalData> shards, RoundSpec round,
                               String task) throws Exception {
        List<ProducerRecord<String, SpecificRecord>> out = new ArrayList<>();
        for (int e = 0; e < shards.size(); e++) {
            String id = task + "-edge-" + e;
            out.add(new ProducerRecord<>(Topics.SUMMARIES, id, SummaryAnswerer.answer(id, shards.get(e), round)));
        }
        for (ProducerRecord<String, SpecificRecord> r : out) {
            producer.send(r);
        }
        producer.flush();
    }

    private static List<ModelUpdate> models(LocalStack stack, String task) {
        return SystemFixture.<ModelUpdate>readValues(stack, Topics.MODEL_UPDATES,
                u -> u.getModelId().equals(task) && u.getAudience().isEmpty());
    }

    private static JsonNode health(ServiceProcess updater) {
        return SystemFixture.getJson(updater, "/health").path("details").path("kafka-loop").path("details");
    }

    private static boolean active(ServiceProcess updater) {
        return "active".equals(health(updater).path("role").asText());
    }

    private static long published(ServiceProcess updater) {
        long n = 0;
        for (JsonNode e : SystemFixture.getJson(updater, "/models").path("history")) {
            n += "PUBLISHED".equals(e.path("status").asText()) ? 1 : 0;
        }
        return n;
    }
}
