package io.edgedistill.edge.app;

import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.trust.KeyTrust;
import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.ModelVerifier;
import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and starts the edge from its configuration: {@link EdgeConfig} ({@code edge.*}) and the shared Kafka
 * client group {@link KafkaClientConfig} ({@code edgedistill.kafka.*}).
 */
@Factory
public class EdgeFactory {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeFactory.class);

    @Context
    @Bean(preDestroy = "close")
    EdgeRuntime edge(EdgeConfig config, KafkaClientConfig kafka, Environment environment, MeterRegistry meters) {
        String edgeId = config.id();
        LocalData data = config.data().load(); // a file that does not match its description stops the start-up here
        LOG.info("[{}] local data: {}", edgeId, data.description());
        boolean dev = environment.getActiveNames().contains(Environment.DEVELOPMENT);
        ModelVerifier verifier = new ModelVerifier(
                KeyTrust.ofUpdaterKeys(Ed25519Keys.parseTrusted(trustedKeys(config.trustedKeys(), config.trust(), dev))),
                Ed25519Keys.parseTrusted(config.trust().rootKeys()));
        if (verifier.trustedKeys().isEmpty() && !verifier.followsTrustLists()) {
            LOG.warn("[{}] no trusted keys configured (edge.trusted-keys, or edge.trust.updater-url): every model update will be rejected", edgeId);
        }
        KafkaClientSettings client = kafka.settings();
        // an edge's principal is its id (acls.yaml): another edge's credentials are a configuration error
        client.security().username().filter(user -> !user.equals(edgeId)).ifPresent(user -> {
            throw new IllegalArgumentException("edge.id " + edgeId + " connects to Kafka as " + user + ": an edge's Kafka user is its id");
        });
        EdgeConfig.Signing signing = config.signing();
        EdgeRuntime rt = EdgeRuntime.create(config.edgeSettings(), data, verifier,
                new EdgeRuntime.Settings(client, config.traffic().streamer(), config.traffic().enabled(),
                        config.scoreBatch(), config.knowledge().interval(),
                        signingKeys(edgeId, signing.privateKey(), signing.publicKey()),
                        trafficKey(edgeId, signing.trafficKey()), config.statusInterval(),
                        java.nio.file.Path.of(config.stateDir()).resolve(edgeId)));
        register(meters, rt);
        rt.start();
        return rt;
    }

    /** The configured trusted keys, plus the model-updater's key when {@code edge.trust.updater-url} is set. */
    static List<String> trustedKeys(List<String> configured, EdgeConfig.Trust trust, boolean devEnvironment) {
        List<String> keys = new ArrayList<>(configured);
        if (!trust.updaterUrl().isBlank()) {
            keys.add(new UpdaterKeySource(trust.updaterUrl(), trust.updaterKeySha256(), devEnvironment).fetch(trust.timeout()));
        }
        return keys;
    }

    private static void register(MeterRegistry meters, EdgeRuntime rt) {
        var node = rt.node();
        String id = node.settings().edgeId();
        Gauge.builder("edge.model.version", node, n -> n.slot().live() == null ? 0 : n.slot().live().version())
                .tag("edge", id).description("version of the running model").register(meters);
        for (var reason : ModelVerifier.Reason.values()) {
            FunctionCounter.builder("edge.model.rejected", node, n -> n.slot().rejectedCount(reason))
                    .tag("edge", id).tag("reason", reason.name()).register(meters);
        }
        FunctionCounter.builder("edge.model.swaps", node, n -> n.slot().swaps()).tag("edge", id).register(meters);
        FunctionCounter.builder("edge.rounds.answered", node, n -> n.roundsAnswered()).tag("edge", id).register(meters);
        FunctionCounter.builder("edge.knowledge.sent", node, n -> n.knowledgeSent()).tag("edge", id).register(meters);
        FunctionCounter.builder("edge.alerts.sent", node, n -> n.alertsSent()).tag("edge", id).register(meters);
        FunctionCounter.builder("edge.alerts.suppressed", node, n -> n.alertsSuppressed()).tag("edge", id).register(meters);
        FunctionCounter.builder("edge.flows.scored", node, n -> n.flowsScored()).tag("edge", id).register(meters);
        FunctionCounter.builder("edge.traffic.sent", rt, r -> r.streamer() == null ? 0 : r.streamer().sent())
                .tag("edge", id).register(meters);
        FunctionCounter.builder("edge.traffic.acked", rt, r -> r.streamer() == null ? 0 : r.streamer().acked())
                .tag("edge", id).register(meters);
        FunctionCounter.builder("edge.traffic.queue.full", rt, r -> r.streamer() == null ? 0 : r.streamer().queueFullEvents())
                .tag("edge", id).description("times the bounded traffic queue was full (back-pressure)").register(meters);
        Gauge.builder("edge.traffic.queue.depth", rt, r -> r.streamer() == null ? 0 : r.streamer().queueDepth())
                .tag("edge", id).register(meters);
    }

    /** The edge's traffic key (Base64, derived from the operator's master key), or null when none is configured. */
    public static byte[] trafficKey(String edgeId, String base64) {
        if (base64 == null || base64.isBlank()) {
            LOG.warn("[{}] no edge.signing.traffic-key: flows are untagged (a processor with a traffic master key refuses them)",
                    edgeId);
            return null;
        }
        return TrafficMac.decodeKey(base64, "edge.signing.traffic-key");
    }

    /** The edge's contribution-signing key pair from configuration, or null when none is configured. */
    public static java.security.KeyPair signingKeys(String edgeId, String privateKey, String publicKey) {
        boolean hasPrivate = privateKey != null && !privateKey.isBlank();
        boolean hasPublic = publicKey != null && !publicKey.isBlank();
        if (!hasPrivate && !hasPublic) {
            LOG.warn("[{}] no edge.signing keys: contributions are unsigned (a processor with edge keys refuses them)", edgeId);
            return null;
        }
        if (!hasPrivate || !hasPublic) {
            throw new IllegalArgumentException("edge.signing needs both private-key and public-key");
        }
        java.security.PrivateKey priv = Ed25519Keys.decodePrivate(privateKey);
        java.security.PublicKey pub = Ed25519Keys.decodePublic(publicKey);
        if (!Ed25519Keys.matches(priv, pub)) {
            throw new IllegalArgumentException("edge.signing.private-key and public-key are not one key pair");
        }
        return new java.security.KeyPair(pub, priv);
    }
}
