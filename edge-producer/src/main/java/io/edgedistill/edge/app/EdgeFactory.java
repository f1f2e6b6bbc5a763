package io.edgedistill.edge.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.EdgeSettings;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.ModelVerifier;
import io.edgedistill.edge.core.TrafficStreamer;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds and starts the edge from configuration ({@code edge.*}, see application.yml). */
@Factory
public class EdgeFactory {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeFactory.class);

    @Context
    @Bean(preDestroy = "close")
    EdgeRuntime edge(@Value("${edge.id:edge-1}") String edgeId,
                     @Value("${edge.task-id:5g-nidd-attacks}") String taskId,
                     @Value("${edge.cohort:}") String cohort,
                     @Value("${edge.kafka.bootstrap-servers:127.0.0.1:9092}") String bootstrap,
                     @Value("${edge.kafka.registry-url:`http://127.0.0.1:8081/apis/registry/v3`}") String registry,
                     @Value("${edge.kafka.client-properties:}") String clientProperties,
                     @Value("${edge.kafka.security-protocol:}") String securityProtocol,
                     @Value("${edge.kafka.sasl-mechanism:}") String saslMechanism,
                     @Value("${edge.kafka.sasl-username:}") String saslUsername,
                     @Value("${edge.kafka.sasl-password:}") String saslPassword,
                     @Value("${edge.data.source:generated}") String source,
                     @Value("${edge.data.csv-path:}") String csvPath,
                     @Value("${edge.data.seed:1}") long seed,
                     @Value("${edge.data.rows:20000}") int rows,
                     @Value("${edge.data.edges:10}") int edges,
                     @Value("${edge.data.beta:0.1}") double beta,
                     @Value("${edge.data.shard:0}") int shard,
                     @Value("${edge.traffic.enabled:true}") boolean traffic,
                     @Value("${edge.traffic.rate:200}") double rate,
                     @Value("${edge.traffic.queue-capacity:10000}") int queueCapacity,
                     @Value("${edge.traffic.buffer-memory:33554432}") long bufferMemory,
                     @Value("${edge.traffic.max-block-ms:60000}") long maxBlockMs,
                     @Value("${edge.traffic.linger-ms:5}") int lingerMs,
                     @Value("${edge.traffic.batch-size:65536}") int batchSize,
                     @Value("${edge.traffic.compression:none}") String compression,
                     @Value("${edge.traffic.labelled:true}") boolean labelled,
                     @Value("${edge.trusted-keys:}") List<String> trustedKeys,
                     @Value("${edge.trust.updater-url:}") String updaterUrl,
                     @Value("${edge.trust.updater-key-sha256:}") String updaterKeySha256,
                     @Value("${edge.trust.wait:60s}") Duration trustWait,
                     Environment environment,
                     @Value("${edge.signing.private-key:}") String signingPrivateKey,
                     @Value("${edge.signing.public-key:}") String signingPublicKey,
                     @Value("${edge.signing.traffic-key:}") String trafficKey,
                     @Value("${edge.prefer-personalised:true}") boolean preferPersonalised,
                     @Value("${edge.personalised.min-gain:0.01}") double personalisedMinGain,
                     @Value("${edge.knowledge.threshold:0.85}") double knowledgeThreshold,
                     @Value("${edge.knowledge.confidence:0.6}") float confidence,
                     @Value("${edge.knowledge.interval:30s}") Duration knowledgeInterval,
                     @Value("${edge.alerts.threshold:0.5}") double alertThreshold,
                     @Value("${edge.alerts.max-per-second:200}") int maxAlerts,
                     @Value("${edge.score-batch:512}") int scoreBatch,
                     MeterRegistry meters) {
        LocalData data = switch (source) {
            case "generated" -> LocalData.generatedShard(seed, rows, edges, beta, shard);
            case "csv" -> LocalData.csv(Path.of(csvPath), rows);
            default -> throw new IllegalArgumentException("edge.data.source must be generated or csv, not " + source);
        };
        List<String> keys = new ArrayList<>(trustedKeys);
        if (!updaterUrl.isBlank()) {
            boolean dev = environment.getActiveNames().contains(Environment.DEVELOPMENT);
            keys.add(new UpdaterKeySource(updaterUrl, updaterKeySha256, dev).fetch(trustWait));
        }
        ModelVerifier verifier = ModelVerifier.fromConfig(keys);
        if (verifier.trustedKeys().isEmpty()) {
            LOG.warn("[{}] no trusted keys configured (edge.trusted-keys, or edge.trust.updater-url): every model update will be rejected", edgeId);
        }
        EdgeSettings es = new EdgeSettings(edgeId, taskId, cohort, preferPersonalised, knowledgeThreshold, confidence,
                alertThreshold, maxAlerts, labelled, personalisedMinGain);
        TrafficStreamer.Settings ts = new TrafficStreamer.Settings(rate, queueCapacity, bufferMemory, maxBlockMs, lingerMs,
                batchSize, compression, 0);
        KafkaClientSecurity security = KafkaClientSecurity.resolve(clientProperties, securityProtocol, saslMechanism, saslUsername,
                saslPassword);
        // an edge's principal is its id (acls.yaml): another edge's credentials are a configuration error
        security.username().filter(user -> !user.equals(edgeId)).ifPresent(user -> {
            throw new IllegalArgumentException("edge.id " + edgeId + " connects to Kafka as " + user + ": an edge's Kafka user is its id");
        });
        EdgeRuntime rt = EdgeRuntime.create(es, data, verifier,
                new EdgeRuntime.Settings(bootstrap, registry, ts, traffic, scoreBatch, knowledgeInterval, security,
                        signingKeys(edgeId, signingPrivateKey, signingPublicKey), trafficKey(edgeId, trafficKey)));
        register(meters, rt);
        rt.start();
        return rt;
    }

    private static void register(MeterRegistry meters, EdgeRuntime rt) {
        var node = rt.node();
        String id = node.settings().edgeId();
        Gauge.builder("edge.model.version", node, n -> n.slot().live() == null ? 0 : n.slot().live().version())
                .tag("edge", id).description("version of the running model").register(meters);
        for (var reason : io.edgedistill.edge.core.ModelVerifier.Reason.values()) {
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
        return io.edgedistill.core.signing.TrafficMac.decodeKey(base64, "edge.signing.traffic-key");
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
        java.security.PrivateKey priv = io.edgedistill.core.signing.Ed25519Keys.decodePrivate(privateKey);
        java.security.PublicKey pub = io.edgedistill.core.signing.Ed25519Keys.decodePublic(publicKey);
        if (!io.edgedistill.core.signing.Ed25519Keys.matches(priv, pub)) {
            throw new IllegalArgumentException("edge.signing.private-key and public-key are not one key pair");
        }
        return new java.security.KeyPair(pub, priv);
    }
}
