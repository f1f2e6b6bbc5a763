package io.edgedistill.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.SummaryAnswerer;
import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.EdgeSummary;
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
 * Crash safety of aggregation (issue 5 item 1): while edges' summaries stream in, the distill-processor JVM is
 * killed with SIGKILL at seeded random moments and started again on the same state directory, {@code soak.kills}
 * times. Some edges send their summary twice (a producer retry or an edge re-answering the round). In the end
 * every edge is in the round's aggregate exactly once (accepted or quarantined), the per-class counts equal what
 * the edges sent, and the synthetic-set versions on the compacted topic only ever increase.
 *
 * <p>CI runs 3 kills; the long soak is {@code ./mvnw -B -pl deploy/reliability -am verify -Dsoak.kills=25
 * -Dit.test=ProcessorCrashSoakTest -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class ProcessorCrashSoakTest {

    @Test
    @Timeout(value = 1500, unit = TimeUnit.SECONDS)
    void aggregationCountsEverySummaryExactlyOnceAcrossProcessorCrashes(LocalStack stack, @TempDir Path dir) throws Exception {
        int kills = Integer.getInteger("soak.kills", 3);
        long seed = Long.getLong("soak.seed", 2026);
        Random random = new Random(seed);
        String taskId = "soak-" + UUID.randomUUID();
        Map<String, String> props = SystemFixture.processorProps(stack, dir, taskId, Map.of(
                "processor.synthesis.steps", "60", "processor.synthesis.warm-steps", "20"));
        long t0 = System.nanoTime();
        ServiceProcess processor = SystemFixture.startProcessor(props, dir);
        List<Long> restartMillis = new ArrayList<>();
        try {
            RoundSpec round = SystemFixture.awaitRound(stack, taskId, 1);

            // the edges and what each sends: one summary each, a quarter of them twice
            int edges = Math.max(30, 3 * kills);
            List<LocalData> shards = LocalData.generatedShards(seed, 400 * edges, edges, 0.5);
            Map<String, EdgeSummary> summaries = new LinkedHashMap<>();
            for (int i = 0; i < edges; i++) {
                String id = String.format("soak-edge-%03d", i);
                summaries.put(id, SummaryAnswerer.answer(id, shards.get(i), round));
            }
            List<String> sends = new ArrayList<>(summaries.keySet());
            for (int i = 0; i < edges / 4; i++) {
                sends.add(sends.get(random.nextInt(edges)));
            }
            Collections.shuffle(sends, random);

            // the summaries stream in over the whole soak (about 7 s per kill), each acknowledged by the broker
            long span = Math.max(5_000, kills * 7_000L);
            ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger acked = new AtomicInteger();
            List<ScheduledFuture<?>> sent = new ArrayList<>();
            try (KafkaProducer<String, SpecificRecord> producer = SystemFixture.avroProducer(stack)) {
                for (int i = 0; i < sends.size(); i++) {
                    String edge = sends.get(i);
                    long at = i * span / sends.size() + random.nextInt(200);
                    sent.add(sender.schedule(() -> {
                        producer.send(new ProducerRecord<>(Topics.SUMMARIES, edge, summaries.get(edge))).get();
                        return acked.incrementAndGet();
                    }, at, TimeUnit.MILLISECONDS));
                }
                // kill at seeded random moments: mid-stream, during restoration right after a restart, while idle
                ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
                try {
                    for (int k = 0; k < kills; k++) {
                        ServiceProcess victim = processor;
                        killer.schedule(victim::kill, random.nextInt(4_000), TimeUnit.MILLISECONDS).get();
                        assertThat(victim.isAlive()).isFalse();
                        long r0 = System.nanoTime();
                        processor = SystemFixture.startProcessor(props, dir);
                        restartMillis.add((System.nanoTime() - r0) / 1_000_000);
                    }
                } finally {
                    killer.shutdownNow();
                }
                for (ScheduledFuture<?> f : sent) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                sender.shutdownNow();
            }
            assertThat(acked.get()).isEqualTo(sends.size());

            // every edge ends up in the aggregate exactly once
            ServiceProcess live = processor;
            long a0 = System.nanoTime();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                JsonNode t = SystemFixture.getJson(live, "/targets?taskId=" + taskId);
                return t.path("contributions").size() + t.path("excluded").asInt() == edges;
            });
            long settleMillis = (System.nanoTime() - a0) / 1_000_000;
            JsonNode targets = SystemFixture.getJson(live, "/targets?taskId=" + taskId);
            List<String> accepted = new ArrayList<>();
            long[] expectedPerClass = new long[round.getClasses().size()];
            for (JsonNode c : targets.path("contributions")) {
                String edge = c.path("edgeId").asText();
                accepted.add(edge);
                long[] sentCounts = counts(summaries.get(edge), expectedPerClass.length);
                for (int i = 0; i < sentCounts.length; i++) {
                    assertThat(c.path("classCounts").get(i).asLong()).as("%s class %d", edge, i).isEqualTo(sentCounts[i]);
                    expectedPerClass[i] += sentCounts[i];
                }
            }
            Set<String> quarantined = new HashSet<>();
            for (JsonNode q : SystemFixture.getJson(live, "/quarantine").path("quarantined")) {
                if (q.path("taskId").asText().equals(taskId)) {
                    quarantined.add(q.path("edgeId").asText());
                }
            }
            assertThat(accepted).doesNotHaveDuplicates();
            assertThat(quarantined).doesNotContainAnyElementsOf(accepted);
            Set<String> all = new HashSet<>(accepted);
            all.addAll(quarantined);
            assertThat(all).as("every edge exactly once, accepted or quarantined").isEqualTo(summaries.keySet());
            for (JsonNode c : targets.path("classes")) {
                assertThat(c.path("samples").asLong()).as("class %s", c.path("name").asText())
                        .isEqualTo(expectedPerClass[c.path("index").asInt()]);
            }

            // synthetic-set versions published for the task only increase
            await().atMost(Duration.ofMinutes(1)).until(() -> !SystemFixture.<SyntheticSet>readValues(stack,
                    Topics.SYNTHETIC_SETS, s -> s.getTaskId().equals(taskId)).isEmpty());
            List<Long> versions = SystemFixture.<SyntheticSet>readValues(stack, Topics.SYNTHETIC_SETS,
                    s -> s.getTaskId().equals(taskId)).stream().map(SyntheticSet::getVersion).toList();
            for (int i = 1; i < versions.size(); i++) {
                assertThat(versions.get(i)).as("versions in topic order %s", versions).isGreaterThan(versions.get(i - 1));
            }

            // restore from the changelogs: the same application on an empty state directory rebuilds its stores and
            // reaches the same targets and set version, nothing counted twice (backup and restore, docs/operations.md)
            ServiceProcess settled = processor;
            long[] runs = {-1};
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(3)).ignoreExceptions().until(() -> {
                long now = SystemFixture.getJson(settled, "/synthetic-set?taskId=" + taskId).path("optimiserRuns").asLong();
                boolean idle = now == runs[0];
                runs[0] = now;
                return idle;
            });
            JsonNode setBefore = SystemFixture.getJson(settled, "/synthetic-set?taskId=" + taskId);
            JsonNode targetsBefore = SystemFixture.getJson(settled, "/targets?taskId=" + taskId);
            processor.close();
            Map<String, String> fresh = new java.util.LinkedHashMap<>(props);
            fresh.put("processor.streams.state-dir", dir.resolve("restored-state").toString());
            long restore0 = System.nanoTime();
            processor = SystemFixture.startProcessor(fresh, dir);
            ServiceProcess restored = processor;
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                JsonNode t = SystemFixture.getJson(restored, "/targets?taskId=" + taskId);
                return t.path("contributions").size() + t.path("excluded").asInt() == edges;
            });
            long restoreMillis = (System.nanoTime() - restore0) / 1_000_000;
            JsonNode targetsAfter = SystemFixture.getJson(restored, "/targets?taskId=" + taskId);
            assertThat(contributions(targetsAfter)).isEqualTo(contributions(targetsBefore));
            assertThat(targetsAfter.path("classes")).isEqualTo(targetsBefore.path("classes"));
            assertThat(targetsAfter.path("roundId")).isEqualTo(targetsBefore.path("roundId"));
            JsonNode setAfter = SystemFixture.getJson(restored, "/synthetic-set?taskId=" + taskId);
            assertThat(setAfter.path("version").asLong()).isEqualTo(setBefore.path("version").asLong());
            assertThat(setAfter.path("contributions")).isEqualTo(setBefore.path("contributions"));

            long total = 0;
            for (long n : expectedPerClass) {
                total += n;
            }
            Report.write("processor-crash-soak", String.format(
                    "seed %d: %d SIGKILLs of distill-processor in %.0f s; %d summary records sent and acknowledged (%d edges, "
                            + "%d re-sent), %d samples in %d classes; aggregate: %d edges accepted + %d quarantined = %d, "
                            + "per-class counts equal to what was sent (0 lost, 0 counted twice); %d synthetic-set versions, "
                            + "monotonic %s; restart to healthy: %s ms; last send to complete aggregate: %d ms; a new processor "
                            + "on an empty state directory: same targets and set version v%d, restored in %d ms",
                    seed, kills, (System.nanoTime() - t0) / 1e9, sends.size(), edges, sends.size() - edges, total,
                    expectedPerClass.length, accepted.size(), quarantined.size(), all.size(), versions.size(), versions,
                    restartMillis, settleMillis, setAfter.path("version").asLong(), restoreMillis));
        } finally {
            processor.close();
        }
    }

    /** Edge id to its per-class counts, in any order. */
    private static Map<String, JsonNode> contributions(JsonNode targets) {
        Map<String, JsonNode> m = new java.util.TreeMap<>();
        targets.path("contributions").forEach(c -> m.put(c.path("edgeId").asText(), c.path("classCounts")));
        return m;
    }

    private static long[] counts(EdgeSummary s, int numClasses) {
        long[] out = new long[numClasses];
        for (ClassSummary c : s.getClasses()) {
            out[c.getClassIndex()] = c.getCount();
        }
        return out;
    }
}
