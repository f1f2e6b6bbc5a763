package io.edgedistill.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.edge.app.EdgeApplication;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.Topics;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge started with its shipped defaults answers the rounds of a processor started with its shipped defaults.
 * Only what a test run must change is set: where the stack is, and (for the processor) a unique Kafka Streams
 * application id and state directory. Task id, network family and every other setting are the shipped ones, so a
 * default that drifts between the two services (as the edge's task id once did) fails here.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class ShippedDefaultsSystemTest {

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void anEdgeWithShippedDefaultsAnswersTheRoundOfAProcessorWithShippedDefaults(LocalStack stack, @TempDir Path dir) {
        Map<String, String> processor = new LinkedHashMap<>();
        processor.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        processor.put("edgedistill.kafka.registry-url", stack.registryUrl());
        processor.put("processor.streams.application-id", "distill-processor-defaults-" + UUID.randomUUID());
        processor.put("processor.streams.state-dir", dir.resolve("processor-state").toString());
        processor.put("ai.djl.pytorch.num_threads", "1");

        Map<String, Object> edge = new LinkedHashMap<>();
        edge.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        edge.put("edgedistill.kafka.registry-url", stack.registryUrl());
        edge.put("micronaut.server.port", -1);

        try (ServiceProcess p = SystemFixture.startProcessor(processor, dir);
             ApplicationContext app = EdgeApplication.start(edge)) {
            String[] current = new String[2];
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                var r = SystemFixture.getJson(p, "/rounds/current");
                current[0] = r.path("taskId").asText();
                current[1] = r.path("roundId").asText();
                return !current[0].isEmpty();
            });
            String task = current[0];
            EdgeRuntime runtime = app.getBean(EdgeRuntime.class);
            String edgeId = runtime.node().settings().edgeId();

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> runtime.node().roundsAnswered() >= 1);

            RoundSpec round = SystemFixture.awaitRound(stack, task, Long.parseLong(current[1]));
            assertThat(runtime.node().settings().taskId()).isEqualTo(round.getTaskId());
            assertThat(SystemFixture.<EdgeSummary>readValues(stack, Topics.SUMMARIES,
                    s -> s.getEdgeId().equals(edgeId) && s.getTaskId().equals(task)))
                    .as("the edge's summary for the processor's task").isNotEmpty();
        }
    }
}
