package io.edgedistill.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.Preprocessor;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.core.trust.KeyTrust;
import io.edgedistill.deploy.KeysMain;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.edge.core.DeployedModel;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.EdgeSettings;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.ModelVerifier;
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
import picocli.CommandLine;

/**
 * The updater's key life-cycle with the {@code ./edgedistill keys} commands, two real edges and the real broker and
 * registry: the running key is listed, a new key is rotated in (both sign during the overlap), the old key is retired
 * at the cut-over read from {@code models.updates}, and the new key is revoked (the edges fall back to the last model
 * of a still-trusted key and refuse everything the revoked key signs). Seeded models; the test signs the updates as
 * the updater would.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class KeyLifecycleSystemTest {
    private static final String FORMAT = "edgedistill-mlp-v1";

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void rotateRetireAndRevokeTheUpdatersKeyWithTheKeysCommands(LocalStack stack, @TempDir Path dir) throws Exception {
        this.stack = stack;
        this.rootKey = dir.resolve("root.key");
        String task = "keys-" + UUID.randomUUID().toString().substring(0, 8);
        LocalData pooled = LocalData.generated(31, 2000, null);
        FeatureSpec spec = Preprocessor.fit(pooled.raw());
        String specJson = spec.toJson();
        int[] sizes = {spec.dim(), 16, FiveGNiddSchema.CLASSES.size()};

        assertThat(keys("root", "--dir", dir.toString())).isZero();
        PublicKey root = Ed25519Keys.decodePublic(Files.readString(dir.resolve("root.pub")).trim());
        KeyPair k1 = Ed25519Keys.generate(); // the key the updater runs with today, configured on the edges
        String k1Id = Ed25519Keys.keyId(k1.getPublic());

        List<EdgeRuntime> edges = new ArrayList<>();
        List<LocalData> shards = LocalData.generatedShards(37, 2000, 2, 1.0);
        for (int i = 0; i < 2; i++) {
            ModelVerifier verifier = new ModelVerifier(KeyTrust.ofUpdaterKeys(Map.of(k1Id, k1.getPublic())),
                    Map.of(Ed25519Keys.keyId(root), root));
            EdgeRuntime e = EdgeRuntime.create(new EdgeSettings(task + "-edge-" + i, task, "", true, 0.0, 0.6f, 0.5, 50, true),
                    shards.get(i), verifier, new EdgeRuntime.Settings(KafkaClientSettings.of(stack.bootstrapServers(),
                            stack.registryUrl()), null, false, 256, Duration.ofHours(1)));
            e.start();
            edges.add(e);
        }
        try (KafkaProducer<String, SpecificRecord> producer = SystemFixture.avroProducer(stack)) {
            Signer publish = (version, key, seed) -> {
                ModelUpdate u = update(task, version, MlpModel.random(sizes, 0.3, seed), specJson, key);
                producer.send(new ProducerRecord<>(Topics.MODEL_UPDATES, task, u)).get();
                return u;
            };
            ModelUpdate v1 = publish.send(1, k1, 1);
            awaitRunning(edges, v1);

            // list the running key, then rotate: a new key pair for the updater, listed beside the old one
            assertThat(keys("trust", "--public-key", Ed25519Keys.encodePublic(k1.getPublic()))).isZero();
            KeyPair k2 = written(dir, "updater-signing-", () -> keys("rotate", "--out", dir.toString()));
            awaitTrustList(edges, sequence(root));
            ModelUpdate v2 = publish.send(2, k2, 2);
            awaitRunning(edges, v2);

            // retire the old key: the cut-over is read from models.updates (it signed v1 of this task)
            assertThat(keys("retire", "--key-id", k1Id)).isZero();
            awaitTrustList(edges, sequence(root));
            assertThat(new io.edgedistill.deploy.TrustListChannel(KafkaClientSettings.of(stack.bootstrapServers(),
                    stack.registryUrl())).current(root).orElseThrow().updaterKey(k1Id).orElseThrow().cutOver())
                    .as("the cut-over read from models.updates").isEqualTo(Map.of(task, 2L));
            publish.send(3, k1, 3);                       // the old key, beyond its cut-over: refused
            ModelUpdate v4 = publish.send(4, k2, 4);
            awaitRunning(edges, v4);
            for (EdgeRuntime e : edges) {
                assertThat(e.node().slot().rejectedCount(ModelVerifier.Reason.RETIRED_KEY)).isEqualTo(1);
                assertThat(e.node().slot().rejectedCount(ModelVerifier.Reason.UNTRUSTED_KEY)).as("legitimate updates refused")
                        .isZero();
            }

            // revoke the new key: the edges fall back to v1 (the old key signed it below its cut-over) ...
            long t0 = System.nanoTime();
            assertThat(keys("revoke", "--key-id", Ed25519Keys.keyId(k2.getPublic()))).isZero();
            awaitRunning(edges, v1);
            System.out.printf("keys: revocation to every edge back on a trusted model %.1f s (command included)%n",
                    (System.nanoTime() - t0) / 1e9);
            // ... and refuse every update the revoked key signs
            for (long v = 5; v <= 9; v++) {
                publish.send(v, k2, v);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> edges.stream().allMatch(
                    e -> e.node().slot().rejectedCount(ModelVerifier.Reason.REVOKED_KEY) == 5));
            for (EdgeRuntime e : edges) {
                assertThat(e.node().slot().live().version()).isEqualTo(1);
                assertThat(e.node().slot().trustFallbacks()).isEqualTo(1);
            }
        } finally {
            edges.forEach(EdgeRuntime::close);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theEdgeKeyTrafficKeyAndDistrustCommandsPublishWhatTheySay(LocalStack stack, @TempDir Path dir) throws Exception {
        this.stack = stack;
        this.rootKey = dir.resolve("root.key");
        String edge = "keys-edge-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(keys("root", "--dir", dir.toString())).isZero();
        PublicKey root = Ed25519Keys.decodePublic(Files.readString(dir.resolve("root.pub")).trim());
        byte[] master = new byte[32];
        new java.security.SecureRandom().nextBytes(master);
        Path masterFile = dir.resolve("traffic-master.key");
        Files.writeString(masterFile, java.util.Base64.getEncoder().encodeToString(master));
        io.edgedistill.deploy.TrustListChannel channel = new io.edgedistill.deploy.TrustListChannel(
                KafkaClientSettings.of(stack.bootstrapServers(), stack.registryUrl()));

        // the edge's contribution key: rotated (both trusted), the old one retired
        KeyPair first = written(dir, edge + "-signing-", () -> keys("rotate", "--edge-id", edge, "--out", dir.toString()));
        long firstSequence = sequence(root);
        KeyPair second = written(dir, edge + "-signing-", () -> keys("rotate", "--edge-id", edge, "--out", dir.toString()));
        assertThat(keys("retire", "--key-id", Ed25519Keys.keyId(first.getPublic()))).isZero();
        KeyTrust trust = KeyTrust.of(Map.of(), Map.of());
        trust.apply(channel.current(root).orElseThrow());
        assertThat(trust.edgeKeys()).containsOnlyKeys(Ed25519Keys.keyId(second.getPublic()));
        assertThat(trust.edgeKeys().values()).allSatisfy(k -> assertThat(k.edgeId()).isEqualTo(edge));

        // its traffic key: generation 1 beside 0, then alone; generation 1 revoked (2, written for the edge)
        assertThat(keys("rotate", "--edge-id", edge, "--traffic", "--master-key", masterFile.toString(), "--out",
                dir.toString())).isZero();
        assertThat(channel.current(root).orElseThrow().trafficKey(edge)).isEqualTo(
                new io.edgedistill.core.trust.TrustList.TrafficKey(edge, 1, true));
        assertThat(Files.readString(dir.resolve(edge + "-traffic-1.key")).trim()).isEqualTo(
                java.util.Base64.getEncoder().encodeToString(io.edgedistill.core.signing.TrafficMac.edgeKey(master, edge, 1)));
        assertThat(keys("retire", "--traffic", edge)).isZero();
        assertThat(channel.current(root).orElseThrow().trafficKey(edge).overlap()).isFalse();
        assertThat(keys("revoke", "--edge-id", edge, "--traffic", "--master-key", masterFile.toString(), "--out",
                dir.toString())).isZero();
        assertThat(channel.current(root).orElseThrow().trafficKey(edge)).isEqualTo(
                new io.edgedistill.core.trust.TrustList.TrafficKey(edge, 2, false));
        assertThat(dir.resolve(edge + "-traffic-2.key")).exists();

        // the contribution key revoked; the edge distrusted, then trusted again
        assertThat(keys("revoke", "--key-id", Ed25519Keys.keyId(second.getPublic()))).isZero();
        assertThat(keys("trust", "--public-key", Ed25519Keys.encodePublic(second.getPublic()), "--edge-id", edge))
                .as("a revoked key is never trusted again").isNotZero();
        assertThat(keys("retire", "--key-id", Ed25519Keys.keyId(first.getPublic()))).as("retired already").isNotZero();
        assertThat(keys("distrust", "--edge-id", edge)).isZero();
        io.edgedistill.core.trust.TrustList l = channel.current(root).orElseThrow();
        assertThat(l.distrustedEdges()).containsExactly(edge);
        assertThat(l.edgeKeys()).allSatisfy(k -> assertThat(k.state()).isNotEqualTo(io.edgedistill.core.trust.TrustList.State.ACTIVE));
        assertThat(keys("distrust", "--edge-id", edge, "--undo")).isZero();
        assertThat(channel.current(root).orElseThrow().distrustedEdges()).isEmpty();
        assertThat(channel.current(root).orElseThrow().sequence()).as("one list per command").isEqualTo(firstSequence + 8);
    }

    /** Runs {@code ./edgedistill keys ARGS} against the shared stack with this test's root key. */
    private int keys(String... args) {
        String[] common = {"--bootstrap-server", stack.bootstrapServers(), "--registry-url", stack.registryUrl()};
        List<String> all = new ArrayList<>(List.of(args));
        if (!args[0].equals("root")) {
            all.addAll(List.of(common));
            all.addAll(List.of("--root-key", rootKey.toString()));
        }
        return new CommandLine(new KeysMain()).execute(all.toArray(String[]::new));
    }

    private LocalStack stack;
    private Path rootKey;

    @FunctionalInterface
    private interface Signer {
        ModelUpdate send(long version, KeyPair key, long seed) throws Exception;
    }

    /** The one key pair {@code command} (exit code 0) writes in {@code dir} under {@code prefix}. */
    private static KeyPair written(Path dir, String prefix, java.util.function.IntSupplier command) throws Exception {
        java.util.Set<Path> before = keyFiles(dir, prefix);
        assertThat(command.getAsInt()).isZero();
        java.util.Set<Path> added = keyFiles(dir, prefix);
        added.removeAll(before);
        assertThat(added).hasSize(1);
        Path priv = added.iterator().next();
        Path pub = priv.resolveSibling(priv.getFileName().toString().replace(".key", ".pub"));
        return new KeyPair(Ed25519Keys.decodePublic(Files.readString(pub, StandardCharsets.UTF_8).trim()),
                Ed25519Keys.decodePrivate(Files.readString(priv, StandardCharsets.UTF_8).trim()));
    }

    private static java.util.Set<Path> keyFiles(Path dir, String prefix) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".key"))
                    .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }

    /** The sequence of the newest list this test's root signed (lists are numbered above every list on the topic). */
    private long sequence(PublicKey root) {
        return new io.edgedistill.deploy.TrustListChannel(KafkaClientSettings.of(stack.bootstrapServers(), stack.registryUrl()))
                .current(root).orElseThrow().sequence();
    }

    private static void awaitTrustList(List<EdgeRuntime> edges, long sequence) {
        await().atMost(Duration.ofSeconds(60)).until(() -> edges.stream()
                .allMatch(e -> e.node().slot().verifier().trust().sequence() == sequence));
    }

    private static void awaitRunning(List<EdgeRuntime> edges, ModelUpdate u) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> edges.stream().allMatch(e -> {
            DeployedModel live = e.node().slot().live();
            return live != null && live.version() == u.getVersion() && live.sha256().equals(u.getSha256());
        }));
    }

    private static ModelUpdate update(String task, long version, MlpModel model, String specJson, KeyPair key) {
        byte[] weights = ModelFormat.write(model);
        String sha = ModelFormat.sha256Hex(weights);
        byte[] sig = new SignedPayload(task, version, FORMAT, sha, version, List.of()).sign(key.getPrivate());
        return ModelUpdate.newBuilder().setModelId(task).setTaskId(task).setCohort(null).setVersion(version).setFormat(FORMAT)
                .setArchitecture("mlp").setWeights(ByteBuffer.wrap(weights)).setSha256(sha)
                .setSigningKeyId(Ed25519Keys.keyId(key.getPublic())).setSignature(ByteBuffer.wrap(sig))
                .setSyntheticSetVersion(version).setPreprocessing(specJson).setClasses(new ArrayList<>(FiveGNiddSchema.CLASSES))
                .setMetrics(ValidationMetrics.newBuilder().setAccuracy(0.5).setMacroF1(0.5).setSamples(1).build())
                .setCreatedAt(Instant.now()).setAudience(List.of()).build();
    }
}
