package io.edgedistill.demo;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.deploy.LocalStack;

/**
 * The run's keys and the settings the demo gives the processor and the updater (system properties and
 * environment of their JVMs). Every key is generated for this run.
 */
final class ServiceSettings {

    /** Each edge's own contribution-signing key pair; the processor accepts only contributions signed by them. */
    final Map<String, KeyPair> edgeKeys = new LinkedHashMap<>();
    /** The run's traffic master key (the processor's); each edge tags its flows with the key derived for it. */
    final byte[] trafficMaster = new byte[32];
    /** The updater's signing key for this run: edges and the processor trust only it. */
    private final KeyPair updaterKey = Ed25519Keys.generate();
    private final String processorApplicationId = "distill-processor-demo-" + UUID.randomUUID();
    private final LocalStack stack;
    private final LoopDemo.Options o;
    private final DemoData data;

    ServiceSettings(LocalStack stack, LoopDemo.Options options, DemoData data) {
        this.stack = stack;
        this.o = options;
        this.data = data;
        for (int i = 0; i < o.edges(); i++) {
            edgeKeys.put(EdgeFleet.edgeId(i), Ed25519Keys.generate());
        }
        new SecureRandom().nextBytes(trafficMaster);
    }

    String updaterKeyId() {
        return Ed25519Keys.keyId(updaterKey.getPublic());
    }

    /** The processor's Streams application id (this run's own: prefix of its internal topics). */
    String processorApplicationId() {
        return processorApplicationId;
    }

    Map<String, String> processorProps(Path dir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        p.put("edgedistill.kafka.registry-url", stack.registryUrl());
        p.put("processor.streams.application-id", processorApplicationId);
        p.put("processor.streams.state-dir", dir.resolve("processor-state").toString());
        p.put("processor.rounds.task-id", o.task());
        p.put("processor.rounds.samples-per-class", String.valueOf(o.ipc()));
        p.put("processor.streams.threads", "1");
        p.put("processor.streams.instance-id", "processor-1");
        p.put("processor.rounds.open-on-start", "false");
        p.put("ai.djl.pytorch.num_threads", "1");
        p.putAll(data.processorData());
        p.put("processor.contributions.edge-keys", edgeKeyEntries());
        p.put("processor.scoring.trusted-keys", updaterKeyId() + "=" + Ed25519Keys.encodePublic(updaterKey.getPublic()));
        if (stack.secured()) {
            // each service authenticates as its own principal; the file keeps the password off the command line
            p.put("edgedistill.kafka.client-properties", stack.clientProperties("distill-processor").toString());
        }
        httpAccess(p);
        return p;
    }

    /** Every edge's public key, {@code <edge id>=<base64>}, comma-separated (the processor's and the updater's edge keys). */
    private String edgeKeyEntries() {
        List<String> entries = new ArrayList<>();
        edgeKeys.forEach((id, kp) -> entries.add(id + "=" + Ed25519Keys.encodePublic(kp.getPublic())));
        return String.join(",", entries);
    }

    /**
     * On a secured stack every service serves HTTPS only (the stack's CA-signed key, {@code services.p12}) and its API
     * authenticates against the stack's users file; always on loopback.
     */
    private void httpAccess(Map<String, String> p) {
        p.put("micronaut.server.host", "127.0.0.1"); // the demo's services are for this machine only
        if (stack.secured()) {
            p.put("edgedistill.http.enabled", "true");
            p.put("edgedistill.http.users-file", stack.httpUsersFile().toString());
            p.put(io.edgedistill.deploy.ServiceProcess.HTTPS_ENABLED, "true");
            p.put("micronaut.server.ssl.key-store.path", "file:" + stack.security().orElseThrow().tls().servicesKeyStore());
            p.put("micronaut.server.ssl.key-store.type", "PKCS12");
            p.put("micronaut.server.ssl.protocols", "TLSv1.3");
        }
    }

    /** A service's environment: its own and, on a secured stack, its HTTPS key store's password (never a -D option). */
    Map<String, String> environment(Map<String, String> own) {
        if (!stack.secured()) {
            return own;
        }
        Map<String, String> env = new LinkedHashMap<>(own);
        env.put("MICRONAUT_SERVER_SSL_KEY_STORE_PASSWORD", stack.security().orElseThrow().tls().password());
        return env;
    }

    /**
     * Who the demo is on the services' HTTP APIs, on a secured stack: the stack's admin, an operator there, trusting the
     * stack's CA.
     */
    void authenticate(io.edgedistill.deploy.ServiceProcess service) {
        if (stack.secured()) {
            service.trusting(stack.security().orElseThrow().tls().caCertificate());
            service.authenticateAs(io.edgedistill.deploy.StackSecurity.ADMIN_USER,
                    stack.security().orElseThrow().httpPassword(io.edgedistill.deploy.StackSecurity.ADMIN_USER));
        }
    }

    Map<String, String> processorEnv() {
        return environment(Map.of("PROCESSOR_SCORING_TRAFFIC_MASTER_KEY", Base64.getEncoder().encodeToString(trafficMaster)));
    }

    Map<String, String> updaterProps() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        p.put("edgedistill.kafka.registry-url", stack.registryUrl());
        p.put("ai.djl.pytorch.num_threads", "1");
        p.putAll(data.updaterData());
        p.putAll(o.updaterOverrides());
        p.put("updater.kafka.group-id", "model-updater-demo-" + UUID.randomUUID());
        p.put("updater.rollout.edge-keys", edgeKeyEntries()); // edge statuses count only when signed by their edge
        if (stack.secured()) {
            p.put("edgedistill.kafka.client-properties", stack.clientProperties("model-updater").toString());
        }
        httpAccess(p);
        return p;
    }

    Map<String, String> updaterEnv() {
        return environment(Map.of("UPDATER_SIGNING_PRIVATE_KEY", Ed25519Keys.encodePrivate(updaterKey.getPrivate()),
                "UPDATER_SIGNING_PUBLIC_KEY", Ed25519Keys.encodePublic(updaterKey.getPublic())));
    }

    /** The console's settings: this task, the simulation's reference figures, and its own read-only principal. */
    Map<String, String> consoleProps(Path referencesFile) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        p.put("edgedistill.kafka.registry-url", stack.registryUrl());
        p.put("console.task-id", o.task());
        p.put("console.references-file", referencesFile.toString());
        if (stack.secured()) {
            p.put("edgedistill.kafka.client-properties", stack.clientProperties("console").toString());
        }
        httpAccess(p);
        return p;
    }

    /** The edges' student widths as the updater is configured ({@code updater.training.student-hidden}). */
    int[] studentHidden() {
        String v = o.updaterOverrides().get("updater.training.student-hidden");
        if (v == null || v.isBlank()) {
            return PooledReference.STUDENT_HIDDEN;
        }
        return java.util.Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
