package io.edgedistill.updater.kafka;

import static io.edgedistill.deploy.StackClients.avroConsumer;
import static io.edgedistill.deploy.StackClients.avroProducer;
import static io.edgedistill.deploy.StackClients.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.NetworkSpec;
import io.edgedistill.schemas.PreprocessingSpec;
import io.edgedistill.schemas.PrivacySettings;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.updater.service.Fixtures;
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

/** The whole updater app on the real broker and registry: a synthetic set in → a signed model update out. */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ModelUpdaterIntegrationTest {

    @Test
    void aSyntheticSetBecomesASignedModelUpdate(LocalStack stack) throws Exception {
        Fixtures fx = new Fixtures(7, 6000);
        String task = "it-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", -1);
        props.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        props.put("edgedistill.kafka.registry-url", stack.registryUrl());
        props.put("updater.kafka.group-id", "updater-" + task);
        props.put("updater.validation.rows", 2000);
        props.put("updater.validation.min-per-class", 60);
        props.put("updater.training.teacher-epochs", 80);
        props.put("updater.training.student-epochs", 20);
        props.put("updater.training.transfer-copies", 3);
        // the edges' keys: knowledge (and statuses) count only when signed by the edge they name
        java.security.KeyPair edgeX = Ed25519Keys.generate();
        props.put("updater.rollout.edge-keys", "edge-x=" + Ed25519Keys.encodePublic(edgeX.getPublic()));

        try (ApplicationContext ctx = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
             KafkaProducer<String, SpecificRecord> producer = avroProducer(stack,
                     Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20));
             KafkaConsumer<String, ModelUpdate> consumer = avroConsumer(stack, "it-reader-" + task)) {
            EmbeddedServer server = ctx.getBean(EmbeddedServer.class);
            consumer.subscribe(List.of(Topics.MODEL_UPDATES));

            // a record that is not Avro goes to the dead-letter topic and does not stop the updater
            try (KafkaProducer<String, byte[]> raw = rawProducer(stack)) {
                raw.send(new ProducerRecord<>(Topics.SYNTHETIC_SETS, task, "not avro".getBytes())).get();
            }
            RoundSpec roundSpec = round(task, fx);
            roundSpec.setSubClusters(io.edgedistill.schemas.SubClusterSettings.newBuilder().setPerClass(8).setMinRows(10)
                    .setSeed(1).build());
            producer.send(new ProducerRecord<>(Topics.ROUNDS, task, roundSpec)).get();
            SyntheticSet set = fx.set(1, 8, false);
            set.setTaskId(task);
            producer.send(new ProducerRecord<>(Topics.SYNTHETIC_SETS, task, set)).get();

            List<ModelUpdate> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
                for (ConsumerRecord<String, ModelUpdate> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().equals(task)) {
                        got.add(r.value());
                    }
                }
                return !got.isEmpty();
            });
            ModelUpdate u = got.get(0);
            assertThat(u.getModelId()).isEqualTo(task);
            assertThat(u.getVersion()).isEqualTo(1);
            byte[] weights = bytes(u.getWeights());
            assertThat(ModelFormat.sha256Hex(weights)).isEqualTo(u.getSha256());

            try (KafkaConsumer<String, DeadLetter> dlq = avroConsumer(stack, "it-dlq-" + task)) {
                dlq.subscribe(List.of(Topics.deadLetterTopic(Topics.SYNTHETIC_SETS)));
                List<DeadLetter> letters = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (ConsumerRecord<String, DeadLetter> r : dlq.poll(Duration.ofMillis(200))) {
                        if (task.equals(r.key())) {
                            letters.add(r.value());
                        }
                    }
                    return !letters.isEmpty();
                });
                assertThat(letters.get(0).getService()).isEqualTo("model-updater");
                assertThat(letters.get(0).getErrorClass()).isEqualTo("NotWireFormat");
            }

            // knowledge that edge-x did not sign (anyone could have written it under its id) is dead-lettered
            EdgeKnowledge forged = EdgeKnowledge.newBuilder().setEdgeId("edge-x").setTaskId(task).setRoundId(1)
                    .setModelId(task).setModelVersion(1).setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH)
                    .setNumNetworks(1).setEmbedDim(1).setLocalAccuracy(0.5).setLocalMacroF1(0.4)
                    .setProducedAt(Instant.now()).setClasses(List.of(KnowledgeClass.newBuilder().setClassIndex(1)
                            .setCount(20).setTotal(40).setMeans(List.of(0f)).build()))
                    .build();
            producer.send(new ProducerRecord<>(Topics.KNOWLEDGE, "edge-x", forged)).get();
            // knowledge edge-x did sign, but with a sub-cluster of 4 rows in a round whose floor is 10
            EdgeKnowledge underFloor = EdgeKnowledge.newBuilder(forged).setClasses(List.of(KnowledgeClass.newBuilder()
                    .setClassIndex(1).setCount(4).setTotal(40).setMeans(List.of(0f))
                    .setSubClusters(List.of(io.edgedistill.schemas.HardSubCluster.newBuilder().setCount(4)
                            .setMean(List.of(0f)).setVariance(List.of(1f)).build())).build())).build();
            try (org.apache.kafka.common.serialization.Serializer<EdgeKnowledge> ser =
                         io.edgedistill.schemas.serde.AvroSerdes.serializer(stack.registryUrl(), false);
                 KafkaProducer<String, byte[]> raw = rawProducer(stack)) {
                byte[] value = ser.serialize(Topics.KNOWLEDGE, underFloor);
                ProducerRecord<String, byte[]> signed = new ProducerRecord<>(Topics.KNOWLEDGE, "edge-x", value);
                signed.headers().add(io.edgedistill.core.signing.ContributionSignature.SIGNER_HEADER,
                        Ed25519Keys.keyId(edgeX.getPublic()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                signed.headers().add(io.edgedistill.core.signing.ContributionSignature.SIGNATURE_HEADER,
                        io.edgedistill.core.signing.ContributionSignature.sign(edgeX.getPrivate(), Topics.KNOWLEDGE, value));
                raw.send(signed).get();
            }
            try (KafkaConsumer<String, DeadLetter> dlq = avroConsumer(stack, "it-kdlq-" + task)) {
                dlq.subscribe(List.of(Topics.deadLetterTopic(Topics.KNOWLEDGE)));
                Map<String, DeadLetter> letters = new HashMap<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (ConsumerRecord<String, DeadLetter> r : dlq.poll(Duration.ofMillis(200))) {
                        if ("edge-x".equals(r.key()) && r.value().getService().equals("model-updater")) {
                            letters.put(r.value().getErrorClass(), r.value());
                        }
                    }
                    return letters.containsKey("KnowledgeSignature") && letters.containsKey("PrivacyFloor");
                });
                assertThat(letters.get("KnowledgeSignature").getErrorMessage()).startsWith("unsigned");
                assertThat(letters.get("PrivacyFloor").getErrorMessage()).contains("10 rows");
            }

            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            JsonNode keys = json.readTree(http.send(HttpRequest.newBuilder(server.getURI().resolve("/keys")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(keys.get("keyId").asText()).isEqualTo(u.getSigningKeyId());
            var pub = Ed25519Keys.decodePublic(keys.get("publicKey").asText());
            assertThat(new SignedPayload(u.getModelId(), u.getVersion(), u.getFormat(), u.getSha256(),
                    u.getSyntheticSetVersion()).verify(pub, bytes(u.getSignature()))).isTrue();

            HttpResponse<String> latest = http.send(HttpRequest.newBuilder(
                    server.getURI().resolve("/models/" + task + "/latest")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(latest.statusCode()).isEqualTo(200);
            assertThat(json.readTree(latest.body()).get("version").asLong()).isEqualTo(1);
            JsonNode models = json.readTree(http.send(HttpRequest.newBuilder(server.getURI().resolve("/models")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(models.get("history").toString()).contains(task).contains("PUBLISHED");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(server.getURI().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> prom = http.send(HttpRequest.newBuilder(server.getURI().resolve("/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(prom.body()).contains("updater_decisions");
        }
    }

    static RoundSpec round(String task, Fixtures fx) {
        return RoundSpec.newBuilder().setTaskId(task).setRoundId(1).setSeed(11)
                .setNetwork(NetworkSpec.newBuilder().setCount(4).setInputDim(fx.spec.dim()).setHiddenDim(32)
                        .setEmbedDim(16).build())
                .setFeatureNames(new ArrayList<>(fx.spec.featureNames()))
                .setPreprocessing(PreprocessingSpec.newBuilder().setJson(fx.specJson).setSha256(fx.specSha).build())
                .setClasses(new ArrayList<>(fx.spec.classNames()))
                .setPrivacy(PrivacySettings.newBuilder().build())
                .setCreatedAt(Instant.now()).build();
    }

    static KafkaProducer<String, byte[]> rawProducer(LocalStack stack) {
        return new KafkaProducer<>(client(stack).common(),
                new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
