package io.edgedistill.updater.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.ValidationMetrics;
import io.edgedistill.updater.UpdaterFactory;
import io.edgedistill.updater.service.ModelPublisher;
import io.edgedistill.updater.service.ModelUpdateService;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

/** The HTTP API with Kafka switched off, and keys from configuration. */
class ModelsControllerTest {

    @Test
    void servesHistoryLatestModelsAndTheConfiguredKey() throws Exception {
        var kp = Ed25519Keys.generate();
        Map<String, Object> props = Map.of("micronaut.server.port", -1, "updater.kafka.enabled", false,
                "updater.signing.private-key", Ed25519Keys.encodePrivate(kp.getPrivate()),
                "updater.signing.public-key", Ed25519Keys.encodePublic(kp.getPublic()),
                "updater.signing.key-id", "prod-2026");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            ApplicationContext ctx = server.getApplicationContext();
            assertThat(ctx.getBean(ModelPublisher.class)).isInstanceOf(UpdaterFactory.InMemoryPublisher.class);
            ModelUpdateService service = ctx.getBean(ModelUpdateService.class);
            service.restoreLive(update("5g", null, 3));
            service.restoreLive(update("5g/north", "north", 2));
            service.restoreLive(update("5g/north", "north", 1)); // older: ignored

            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            JsonNode keys = json.readTree(get(http, server, "/keys").body());
            assertThat(keys.get("keyId").asText()).isEqualTo("prod-2026");
            assertThat(keys.get("publicKey").asText()).isEqualTo(Ed25519Keys.encodePublic(kp.getPublic()));
            assertThat(keys.get("development").asBoolean()).isFalse();

            assertThat(json.readTree(get(http, server, "/models/5g/latest").body()).get("version").asLong()).isEqualTo(3);
            assertThat(json.readTree(get(http, server, "/models/5g/north/latest").body()).get("version").asLong())
                    .isEqualTo(2);
            assertThat(json.readTree(get(http, server, "/models/latest?modelId=5g%2Fnorth").body()).get("cohort")
                    .asText()).isEqualTo("north");
            assertThat(get(http, server, "/models/nope/latest").statusCode()).isEqualTo(404);
            JsonNode models = json.readTree(get(http, server, "/models").body());
            assertThat(models.get("live")).hasSize(2);
            assertThat(models.get("history")).isEmpty();

            // a decision that trains nothing: knowledge before any synthetic set of its task
            service.onKnowledge(knowledge("edge-1", "5g"));
            JsonNode skipped = json.readTree(get(http, server, "/models").body()).get("history").get(0);
            assertThat(skipped.get("status").asText()).as("the wire name the demo parses").isEqualTo("SKIPPED");
            assertThat(skipped.get("modelId").asText()).isEqualTo("5g/edge-1");
            assertThat(skipped.get("version").asLong()).isEqualTo(-1);
            assertThat(skipped.get("macroF1").isNull()).isTrue();
            assertThat(skipped.get("reason").asText()).isEqualTo("no synthetic set of task 5g yet");
            assertThat(get(http, server, "/health").statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> get(HttpClient http, EmbeddedServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.getURI().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static EdgeKnowledge knowledge(String edgeId, String taskId) {
        return EdgeKnowledge.newBuilder().setEdgeId(edgeId).setTaskId(taskId).setRoundId(1).setModelId(taskId)
                .setModelVersion(1).setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH).setNumNetworks(1)
                .setEmbedDim(1).setClasses(List.of()).setLocalAccuracy(0.5).setLocalMacroF1(0.5)
                .setProducedAt(Instant.EPOCH).build();
    }

    private static ModelUpdate update(String modelId, String cohort, long version) {
        MlpModel m = new MlpModel(new int[] {3, 2}, new float[][] {{1, 2, 3, 4, 5, 6}}, new float[][] {{0, 0}});
        byte[] w = ModelFormat.write(m);
        return ModelUpdate.newBuilder().setModelId(modelId).setTaskId("5g").setCohort(cohort).setVersion(version)
                .setFormat(ModelUpdateService.FORMAT).setArchitecture("mlp 3-2").setWeights(ByteBuffer.wrap(w))
                .setSha256(ModelFormat.sha256Hex(w)).setSigningKeyId("k").setSignature(ByteBuffer.wrap(new byte[64]))
                .setSyntheticSetVersion(version).setClasses(List.of("a", "b"))
                .setMetrics(ValidationMetrics.newBuilder().setAccuracy(1).setMacroF1(1).setSamples(1).build())
                .setCreatedAt(Instant.now()).build();
    }
}
