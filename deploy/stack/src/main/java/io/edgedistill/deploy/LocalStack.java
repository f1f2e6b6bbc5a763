package io.edgedistill.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import io.edgedistill.schemas.serde.SchemaCatalog;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole local stack: a Kafka broker and an Apicurio Registry, each its own JVM, plus the topic plan.
 * Started by the demo, by {@code LocalStackMain --keep-running} and, once per test run, by
 * {@link LocalStackExtension}.
 *
 * <p>{@link Builder#secured(boolean) Secured}, the broker takes SASL/SCRAM-SHA-512 clients only and authorises every
 * request against the ACL plan ({@code acls.yaml}, {@link AclPlan}): on start the stack creates a SCRAM user with a
 * generated password for every principal of the plan and every edge named ({@link Builder#edges},
 * {@link #addEdges}), applies the ACLs, and writes a client properties file per principal under
 * {@code <data dir>/security/} ({@link #clientProperties}); the operator's super user is {@code admin}.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final KafkaBroker broker;
    private final ApicurioRegistry registry;
    private final TopicPlan plan;
    private final Duration startTimeout;
    private final StackSecurity security;
    private final AclPlan aclPlan;
    private final Set<String> edges = new LinkedHashSet<>();
    private TopicPlan.Result topicResult;
    private AclPlan.Result aclResult;
    private Duration brokerStartup = Duration.ZERO;
    private Duration registryStartup = Duration.ZERO;

    private LocalStack(Builder b) {
        Path dataDir = b.dataDir.toAbsolutePath();
        int kafkaPort = b.kafkaPort > 0 ? b.kafkaPort : Preflight.freePort();
        int controllerPort = b.controllerPort > 0 ? b.controllerPort : Preflight.freePort();
        int registryPort = b.registryPort > 0 ? b.registryPort : Preflight.freePort();
        if (b.secured && Files.exists(dataDir.resolve("kafka").resolve(KafkaBroker.SECURED_MARKER))
                && !Files.exists(dataDir.resolve("security").resolve("credentials.properties"))) {
            throw new StackException("The secured broker data in " + dataDir + " have lost their credentials ("
                    + dataDir.resolve("security") + "): the broker could not authenticate to itself. Use another data directory.");
        }
        this.security = b.secured ? StackSecurity.in(dataDir.resolve("security")) : null;
        this.aclPlan = b.secured ? AclPlan.standard() : null;
        b.edges.forEach(e -> edges.add(AclPlan.requireEdgeId(e)));
        this.broker = new KafkaBroker(dataDir.resolve("kafka"), kafkaPort, controllerPort, b.brokerConfig,
                List.of("-Xms256m", "-Xmx" + b.brokerHeap, "-XX:+UseG1GC", LocalJvm.COMPILER, "-Djava.awt.headless=true"),
                security == null ? null : security.brokerSecurity());
        this.registry = !b.registry ? null : new ApicurioRegistry(dataDir.resolve("registry"), registryPort,
                security == null ? null : security.registrySecurity(aclPlan.servicePrincipals()));
        this.plan = TopicPlan.standard((short) 1);
        this.startTimeout = b.startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts broker and registry in parallel, then applies the topic plan (and, secured, the users and ACLs). */
    public LocalStack start() {
        long t0 = System.nanoTime();
        Thread registryThread = new Thread(() -> {
            if (registry == null) {
                return;
            }
            long r0 = System.nanoTime();
            registry.start(startTimeout);
            registryStartup = Duration.ofNanos(System.nanoTime() - r0);
        }, "start-registry");
        RuntimeException[] registryFailure = new RuntimeException[1];
        registryThread.setUncaughtExceptionHandler((t, e) -> registryFailure[0] =
                e instanceof RuntimeException re ? re : new StackException(e.getMessage(), e));
        registryThread.start();
        try {
            broker.start(startTimeout);
            brokerStartup = Duration.ofNanos(System.nanoTime() - t0);
            registryThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while starting the stack", e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        if (registryFailure[0] != null) {
            stopQuietly();
            throw registryFailure[0];
        }
        try (Admin admin = admin()) {
            topicResult = plan.apply(admin);
            if (security != null) {
                provision(admin);
                if (registry != null) {
                    // read-only services find their schemas by content: the operator registers them all first
                    List<String> subjects = SchemaCatalog.register(
                            clientSettings(StackSecurity.ADMIN_USER).registry());
                    LOG.info("registered {} subjects as {}", subjects.size(), StackSecurity.ADMIN_USER);
                }
            }
            broker.awaitGroupCoordinator(admin, startTimeout);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        LOG.info("stack up in {} ms: kafka {} ({}), registry {}", Duration.ofNanos(System.nanoTime() - t0).toMillis(),
                bootstrapServers(), security == null ? "unsecured" : "secured", registry == null ? "-" : registryUrl());
        return this;
    }

    /** SCRAM users of the plan's principals and the edges, the ACL plan, and the client properties files. */
    private synchronized void provision(Admin admin) {
        List<String> principals = new ArrayList<>(aclPlan.servicePrincipals());
        principals.addAll(edges);
        security.upsertUsers(admin, principals);
        aclResult = aclPlan.apply(admin, edges);
        writeClientProperties(StackSecurity.ADMIN_USER);
        principals.forEach(this::writeClientProperties);
        security.writeHttpUsers();
        LOG.info("secured: {} principals, ACLs {} created, {} deleted, {} unchanged; client settings in {}", principals.size(),
                aclResult.created().size(), aclResult.deleted().size(), aclResult.unchanged(), security.dir());
    }

    /** The principal's client properties file: its Kafka settings and, with a registry, its registry settings. */
    private void writeClientProperties(String principal) {
        security.writeClientProperties(principal, bootstrapServers(),
                registry == null ? Map.of() : security.registryClientSettings(registryUser(principal)));
    }

    /** The registry user a principal reads schemas as: its own, or the edges' shared one. */
    private String registryUser(String principal) {
        return edges.contains(principal) ? StackSecurity.EDGES_REGISTRY_USER : principal;
    }

    /**
     * Adds edge principals to a started secured stack: their SCRAM users, their ACLs and their client properties
     * files. Edges already known are left as they are.
     */
    public synchronized void addEdges(Collection<String> edgeIds) {
        requireSecured();
        edgeIds.forEach(AclPlan::requireEdgeId);
        if (!edges.addAll(edgeIds)) {
            return;
        }
        try (Admin admin = admin()) {
            provision(admin);
        }
    }

    public boolean secured() {
        return security != null;
    }

    /** The stack's credentials (secured stacks only). */
    public Optional<StackSecurity> security() {
        return Optional.ofNullable(security);
    }

    /** The ACL plan applied (secured stacks only). */
    public AclPlan aclPlan() {
        requireSecured();
        return aclPlan;
    }

    /** What the last application of the ACL plan did (secured stacks only). */
    public AclPlan.Result aclResult() {
        requireSecured();
        return aclResult;
    }

    /** The edges with a principal on this stack. */
    public synchronized Set<String> edges() {
        return Set.copyOf(edges);
    }

    /**
     * The client settings of a principal ({@code distill-processor}, {@code model-updater}, {@code operator},
     * {@code admin} or an edge id added to the stack); on an unsecured stack, plaintext for everyone.
     */
    public KafkaClientSecurity clientSecurity(String principal) {
        if (security == null) {
            return KafkaClientSecurity.none();
        }
        knownPrincipal(principal);
        KafkaClientSecurity kafka = security.clientSecurity(principal);
        return registry == null ? kafka : kafka.withRegistry(security.registryClientSettings(registryUser(principal)));
    }

    /** Where and as whom a principal's clients connect: broker, registry and their security. */
    public KafkaClientSettings clientSettings(String principal) {
        return new KafkaClientSettings(bootstrapServers(), registryUrl(), clientSecurity(principal));
    }

    /** The services' HTTP users file of a secured stack ({@link StackSecurity#writeHttpUsers}). */
    public Path httpUsersFile() {
        if (security == null) {
            throw new StackException("the stack is not secured: it has no HTTP users");
        }
        return security.httpUsersFile();
    }

    /** The principal's client properties file under {@code <data dir>/security/} (secured stacks only). */
    public Path clientProperties(String principal) {
        requireSecured();
        knownPrincipal(principal);
        return security.clientProperties(principal);
    }

    private synchronized void knownPrincipal(String principal) {
        if (!principal.equals(StackSecurity.ADMIN_USER) && !aclPlan.servicePrincipals().contains(principal)
                && !edges.contains(principal)) {
            throw new IllegalArgumentException("no principal " + principal + " on this stack (add an edge with addEdges)");
        }
    }

    private void requireSecured() {
        if (security == null) {
            throw new IllegalStateException("the stack is not secured");
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Apicurio native v3 API base URL (what {@code AvroSerdes} takes). */
    public String registryUrl() {
        return registry().url();
    }

    /** Confluent-compatible API base URL. */
    public String confluentRegistryUrl() {
        return registry().confluentUrl();
    }

    public KafkaBroker broker() {
        return broker;
    }

    public ApicurioRegistry registry() {
        if (registry == null) {
            throw new IllegalStateException("this stack was built without a registry");
        }
        return registry;
    }

    public TopicPlan topicPlan() {
        return plan;
    }

    public TopicPlan.Result topicResult() {
        return topicResult;
    }

    public Duration brokerStartup() {
        return brokerStartup;
    }

    public Duration registryStartup() {
        return registryStartup;
    }

    /** An admin client; on a secured stack it authenticates as the super user {@code admin}. */
    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        broker.adminClient().applyTo(props);
        return Admin.create(props);
    }

    @Override
    public void close() {
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            if (registry != null) {
                registry.stop();
            }
        } finally {
            broker.stop();
        }
    }

    /** Options of the stack. Ports default to free ones; pass fixed ports for a stack others connect to. */
    public static final class Builder {
        private Path dataDir;
        private int kafkaPort;
        private int controllerPort;
        private int registryPort;
        private String brokerHeap = "1g";
        private Duration startTimeout = Duration.ofSeconds(120);
        private Map<String, String> brokerConfig = Map.of();
        private boolean secured;
        private boolean registry = true;
        private List<String> edges = List.of();

        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        public Builder registryPort(int port) {
            this.registryPort = port;
            return this;
        }

        public Builder brokerHeap(String heap) {
            this.brokerHeap = heap;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public Builder brokerConfig(Map<String, String> config) {
            this.brokerConfig = Map.copyOf(config);
            return this;
        }

        /**
         * SASL/SCRAM-SHA-512 and ACLs from {@code acls.yaml} (see the class comment). The data directory of a
         * secured stack must be new or one a secured stack formatted.
         */
        public Builder secured(boolean secured) {
            this.secured = secured;
            return this;
        }

        /** Edge ids that get a principal of their own on a secured stack (more with {@link LocalStack#addEdges}). */
        public Builder edges(Collection<String> edgeIds) {
            this.edges = List.copyOf(edgeIds);
            return this;
        }

        /** Whether to run the registry (default yes; tests of the broker alone leave it out). */
        public Builder registry(boolean registry) {
            this.registry = registry;
            return this;
        }

        public LocalStack build() {
            if (dataDir == null) {
                try {
                    dataDir = Files.createTempDirectory("edgedistill-stack-");
                } catch (IOException e) {
                    throw new StackException("Cannot create a temporary data directory", e);
                }
            }
            return new LocalStack(this);
        }
    }
}
