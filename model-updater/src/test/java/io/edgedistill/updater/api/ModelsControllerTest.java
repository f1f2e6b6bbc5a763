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
            assertThat(get(http, server, "/health").statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> get(HttpClient http, EmbeddedServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.getURI().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
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
