package io.edgedistill.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.Preprocessor;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.model.TrainConfig;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.edge.core.DeployedModel;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.EdgeSettings;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.ModelVerifier;
import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.ValidationMetrics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staged rollout with the real updater (its own JVM), four real edges and the real broker and registry. The
 * updater configured with canaries edge 0 and 1 takes charge of a canary version that is out on them (its restart
 * path: a version the updater published before it stopped), reads the edges' hold-out reports on {@code edge.status}
 * and decides. Seeded: the models are a random-weight network (deliberately bad), and networks trained on the same
 * generated data for 3 and for 20 epochs; they are signed with the updater's key, as its pipeline would sign any model
 * that passed its validation gate.
 *
 * <p>A bad canary reaches only the canaries and is rolled back (the canaries get the fleet's model back, an alert
 * names it) within the rollout's wait, even with a forged status that claims it does well (the edges sign their
 * statuses, and the updater has their keys); a good one is promoted to every edge; the other edges never run either
 * canary.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class StagedRolloutSystemTest {

    private static final String FORMAT = "edgedistill-mlp-v1";
    private static final long WAIT_MS = 30_000;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aBadCanaryIsRolledBackOnTheCanariesAloneAndAGoodOneIsPromoted(LocalStack stack, @TempDir Path dir) throws Exception {
        String task = "rollout-" + UUID.randomUUID().toString().substring(0, 8);
        KeyPair updaterKey = Ed25519Keys.generate();
        String keyId = Ed25519Keys.keyId(updaterKey.getPublic());
        LocalData pooled = LocalData.generated(23, 6000, null);
        FeatureSpec spec = Preprocessor.fit(pooled.raw());
        String specJson = spec.toJson();
        Dataset train = pooled.preprocessed(specJson);
        MlpModel fleetModel = trained(train, 3);
        MlpModel bad = MlpModel.random(new int[] {spec.dim(), 16, FiveGNiddSchema.CLASSES.size()}, 0.3, 5);
        MlpModel good = trained(train, 20);

        List<LocalData> shards = LocalData.generatedShards(29, 6000, 4, 1.0);
        List<EdgeRuntime> edges = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> edgeKeys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = task + "-edge-" + i;
            ids.add(id);
            KeyPair edgeKey = Ed25519Keys.generate(); // each edge signs its statuses
            edgeKeys.add(id + "=" + Ed25519Keys.encodePublic(edgeKey.getPublic()));
            EdgeRuntime e = EdgeRuntime.create(new EdgeSettings(id, task, "", true, 0.0, 0.6f, 0.5, 50, true), shards.get(i),
                    new ModelVerifier(Map.of(keyId, updaterKey.getPublic())),
                    new EdgeRuntime.Settings(KafkaClientSettings.of(stack.bootstrapServers(), stack.registryUrl()), null, false, 256,
                            Duration.ofHours(1), edgeKey, null));
            e.start();
            edges.add(e);
        }
        List<String> canaries = ids.subList(0, 2);
        Map<String, String> rollout = Map.of("updater.rollout.canary-edges", String.join(",", canaries),
                "updater.rollout.tolerance", "0.05", "updater.rollout.wait-ms", String.valueOf(WAIT_MS),
                "updater.rollout.edge-keys", String.join(",", edgeKeys));
        Map<String, String> keys = Map.of("UPDATER_SIGNING_PRIVATE_KEY", Ed25519Keys.encodePrivate(updaterKey.getPrivate()),
                "UPDATER_SIGNING_PUBLIC_KEY", Ed25519Keys.encodePublic(updaterKey.getPublic()));
        try (KafkaProducer<String, SpecificRecord> producer = SystemFixture.avroProducer(stack)) {
            Publisher publish = (version, model, audience) -> {
                ModelUpdate u = update(task, version, model, specJson, updaterKey, keyId, audience);
                producer.send(new ProducerRecord<>(Topics.MODEL_UPDATES, Topics.modelUpdateKey(task, !audience.isEmpty()), u)).get();
                return u;
            };
            ModelUpdate v1 = publish.send(1, fleetModel, List.of());
            awaitRunning(edges, ids, 1, v1.getSha256());

            // a bad version out on the canaries only
            ModelUpdate v2 = publish.send(2, bad, canaries);
            awaitRunning(edges, canaries, 2, v2.getSha256());

            // a forged status (unsigned) claiming canary 0 does well under v2: the updater must not count it
            EdgeStatus forged = EdgeStatus.newBuilder().setEdgeId(canaries.get(0)).setTaskId(task).setModelId(task)
                    .setModelVersion(2).setHoldOutMacroF1(0.99).setPreviousModelVersion(1).setPreviousHoldOutMacroF1(0.10)
                    .setSentAt(Instant.now()).build();
            producer.send(new ProducerRecord<>(Topics.STATUS, canaries.get(0), forged)).get();

            // the updater takes charge: rolled back within its wait, the canaries get the fleet's model back as v3
            long t0 = System.nanoTime();
            try (ServiceProcess updater = SystemFixture.startUpdater(stack, dir, rollout, keys)) {
                awaitRunning(edges, canaries, 3, v1.getSha256());
                double rolledBackSeconds = (System.nanoTime() - t0) / 1e9;
                assertThat(rolledBackSeconds).as("from the updater's start to the canaries on the fleet's model")
                        .isLessThan(WAIT_MS / 1000.0 + 60);
                // the history records the decision once the publication and the alert are sent, just after the edges see it
                await().atMost(Duration.ofSeconds(30)).untilAsserted(
                        () -> assertThat(SystemFixture.getJson(updater, "/models").toString()).contains("ROLLED_BACK"));
                System.out.printf("staged rollout: bad canary v2 rolled back, canaries on v3 %.1f s after the updater's start%n",
                        rolledBackSeconds);
            }
            assertThat(SystemFixture.deadLetters(stack, Topics.STATUS, "model-updater")).as("the forged status")
                    .anySatisfy(d -> {
                        assertThat(d.getErrorClass()).isEqualTo("StatusSignature");
                        assertThat(d.getErrorMessage()).startsWith("unsigned");
                    });
            List<AttackAlert> alerts = SystemFixture.readValues(stack, Topics.ALERTS,
                    (AttackAlert a) -> task.equals(a.getModelId()) && a.getKind() == AlertKind.MODEL_ROLLED_BACK);
            assertThat(alerts).singleElement().satisfies(a -> {
                assertThat(a.getModelVersion()).isEqualTo(2);
                assertThat(a.getEdgeId()).isEqualTo(String.join(",", canaries));
            });

            // a good version on the canaries: promoted to every edge as v5, the same weights
            ModelUpdate v4 = publish.send(4, good, canaries);
            awaitRunning(edges, canaries, 4, v4.getSha256());
            try (ServiceProcess updater = SystemFixture.startUpdater(stack, dir, rollout, keys)) {
                awaitRunning(edges, ids, 5, v4.getSha256());
                await().atMost(Duration.ofSeconds(30)).untilAsserted(
                        () -> assertThat(SystemFixture.getJson(updater, "/models").toString()).contains("PROMOTED"));
            }

            // the other edges ran v1 and then v5, nothing in between; no status of theirs ever named a canary version
            for (int i = 2; i < 4; i++) {
                assertThat(edges.get(i).node().slot().swaps()).as(ids.get(i)).isEqualTo(2);
            }
            List<EdgeStatus> statuses = SystemFixture.readValues(stack, Topics.STATUS,
                    (EdgeStatus s) -> task.equals(s.getTaskId()) && !canaries.contains(s.getEdgeId()));
            assertThat(statuses).isNotEmpty().allSatisfy(s -> assertThat(s.getModelVersion()).isIn(0L, 1L, 5L));
        } finally {
            edges.forEach(EdgeRuntime::close);
        }
    }

    @FunctionalInterface
    private interface Publisher {
        ModelUpdate send(long version, MlpModel model, List<String> audience) throws Exception;
    }

    private static void awaitRunning(List<EdgeRuntime> edges, List<String> which, long version, String sha) {
        await().atMost(Duration.ofSeconds(WAIT_MS / 1000 + 90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (EdgeRuntime e : edges) {
                if (which.contains(e.node().settings().edgeId())) {
                    DeployedModel live = e.node().slot().live();
                    if (live == null || live.version() != version || !live.sha256().equals(sha)) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    private static ModelUpdate update(String task, long version, MlpModel model, String specJson, KeyPair key, String keyId,
                                      List<String> audience) {
        byte[] weights = ModelFormat.write(model);
        String sha = ModelFormat.sha256Hex(weights);
        byte[] sig = new SignedPayload(task, version, FORMAT, sha, version, audience).sign(key.getPrivate());
        return ModelUpdate.newBuilder().setModelId(task).setTaskId(task).setCohort(null).setVersion(version).setFormat(FORMAT)
                .setArchitecture("mlp").setWeights(ByteBuffer.wrap(weights)).setSha256(sha).setSigningKeyId(keyId)
                .setSignature(ByteBuffer.wrap(sig)).setSyntheticSetVersion(version).setPreprocessing(specJson)
                .setClasses(new ArrayList<>(FiveGNiddSchema.CLASSES))
                .setMetrics(ValidationMetrics.newBuilder().setAccuracy(0.5).setMacroF1(0.5).setSamples(1).build())
                .setCreatedAt(Instant.now()).setAudience(new ArrayList<>(audience)).build();
    }

    private static MlpModel trained(Dataset d, int epochs) {
        return MlpTrainer.train(new int[] {16}, d.x(), d.size(), d.y(), null, FiveGNiddSchema.CLASSES.size(),
                new TrainConfig(epochs, 128, 3e-3f, 1e-4f, 1f, 0f, 7));
    }
}
