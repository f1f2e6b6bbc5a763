package io.edgedistill.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.edgedistill.schemas.security.KafkaClientSecurity;

/**
 * The {@code server.properties} of the local stack's single KRaft node (combined broker and controller, loopback
 * listeners, replication factors of one, no topic auto-creation), plain or secured: what {@link KafkaBroker} starts
 * the node with, kept apart from the process's life cycle.
 */
final class BrokerProperties {
    private BrokerProperties() {
    }

    /** Writes {@code <dataDir>/server.properties} (owner-only when secured: it holds the node's passwords). */
    static Path write(Path dataDir, int port, int controllerPort, KafkaBroker.Security security,
                      Map<String, String> extraConfig) {
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("process.roles", "broker,controller");
        cfg.put("node.id", "1");
        cfg.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        cfg.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        cfg.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        cfg.put("controller.listener.names", "CONTROLLER");
        cfg.put("inter.broker.listener.name", "PLAINTEXT");
        cfg.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        cfg.put("log.dirs", dataDir.resolve("kafka-logs").toString());
        cfg.put("num.partitions", "3");
        cfg.put("auto.create.topics.enable", "false");
        cfg.put("offsets.topic.replication.factor", "1");
        cfg.put("offsets.topic.num.partitions", "10");
        cfg.put("transaction.state.log.replication.factor", "1");
        cfg.put("transaction.state.log.min.isr", "1");
        cfg.put("transaction.state.log.num.partitions", "10");
        cfg.put("share.coordinator.state.topic.replication.factor", "1");
        cfg.put("share.coordinator.state.topic.min.isr", "1");
        cfg.put("min.insync.replicas", "1");
        cfg.put("group.initial.rebalance.delay.ms", "0");
        cfg.put("message.max.bytes", String.valueOf(16 << 20));
        cfg.put("log.cleaner.backoff.ms", "5000");
        if (security != null) {
            cfg.putAll(securedListeners(port, controllerPort, security));
        }
        cfg.putAll(extraConfig);
        StringBuilder sb = new StringBuilder("# written by EdgeDistill's local stack\n");
        cfg.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Path file = dataDir.resolve("server.properties");
        try {
            Files.createDirectories(dataDir);
            if (security != null) {
                Secrets.writeOwnerOnly(file, sb.toString()); // holds the node's passwords
            } else {
                Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new StackException("Cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * The secured node: SCRAM on the client listener (also the inter-broker one; over TLS with the stack's
     * certificates), PLAIN on the controller listener (its only user is the node itself), the KRaft authorizer with deny
     * by default.
     */
    private static Map<String, String> securedListeners(int port, int controllerPort, KafkaBroker.Security security) {
        String node = KafkaClientSecurity.jaasConfig(KafkaBroker.MECHANISM, security.nodeUser(), security.nodePassword());
        String controller = KafkaClientSecurity.jaasConfig("PLAIN", security.nodeUser(), security.nodePassword())
                .replaceFirst(";$", " user_" + security.nodeUser() + "=\"" + security.nodePassword() + "\";");
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("listeners", "CLIENT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        cfg.put("advertised.listeners", "CLIENT://127.0.0.1:" + port);
        // the client listener (also the inter-broker one) over TLS when the stack has its certificates; the controller
        // listener, the node's own, stays on loopback without it
        cfg.put("listener.security.protocol.map", (security.tls() == null ? "CLIENT:SASL_PLAINTEXT" : "CLIENT:SASL_SSL")
                + ",CONTROLLER:SASL_PLAINTEXT");
        if (security.tls() != null) {
            cfg.putAll(security.tls().brokerSettings("client"));
        }
        cfg.put("inter.broker.listener.name", "CLIENT");
        cfg.put("sasl.enabled.mechanisms", KafkaBroker.MECHANISM);
        cfg.put("listener.name.client.sasl.enabled.mechanisms", KafkaBroker.MECHANISM);
        cfg.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        cfg.put("sasl.mechanism.inter.broker.protocol", KafkaBroker.MECHANISM);
        cfg.put("sasl.mechanism.controller.protocol", "PLAIN");
        cfg.put("listener.name.client.scram-sha-512.sasl.jaas.config", node);
        cfg.put("listener.name.controller.plain.sasl.jaas.config", controller);
        cfg.put("authorizer.class.name", KafkaBroker.AUTHORIZER);
        cfg.put("allow.everyone.if.no.acl.found", "false");
        cfg.put("super.users", "User:" + security.nodeUser() + ";User:" + security.adminUser());
        // a refused login answers after this delay, which slows down password guessing
        cfg.put("connection.failed.authentication.delay.ms", "500");
        return cfg;
    }
}
