package io.edgedistill.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole local stack: a Kafka broker and an Apicurio Registry, each its own JVM, plus the topic plan.
 * Started by the demo, by {@code LocalStackMain --keep-running} and, once per test run, by
 * {@link LocalStackExtension}.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final KafkaBroker broker;
    private final ApicurioRegistry registry;
    private final TopicPlan plan;
    private final Duration startTimeout;
    private TopicPlan.Result topicResult;
    private Duration brokerStartup = Duration.ZERO;
    private Duration registryStartup = Duration.ZERO;

    private LocalStack(Builder b) {
        Path dataDir = b.dataDir.toAbsolutePath();
        int kafkaPort = b.kafkaPort > 0 ? b.kafkaPort : Preflight.freePort();
        int controllerPort = b.controllerPort > 0 ? b.controllerPort : Preflight.freePort();
        int registryPort = b.registryPort > 0 ? b.registryPort : Preflight.freePort();
        this.broker = new KafkaBroker(dataDir.resolve("kafka"), kafkaPort, controllerPort, b.brokerConfig,
                List.of("-Xms256m", "-Xmx" + b.brokerHeap, "-XX:+UseG1GC", "-Djava.awt.headless=true"));
        this.registry = new ApicurioRegistry(dataDir.resolve("registry"), registryPort);
        this.plan = TopicPlan.standard((short) 1);
        this.startTimeout = b.startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts broker and registry in parallel, then applies the topic plan. */
    public LocalStack start() {
        long t0 = System.nanoTime();
        Thread registryThread = new Thread(() -> {
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
            warmUpGroupCoordinator(admin);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        LOG.info("stack up in {} ms: kafka {} , registry {}", Duration.ofNanos(System.nanoTime() - t0).toMillis(),
                bootstrapServers(), registryUrl());
        return this;
    }

    /**
     * The group coordinator's internal topic is created on first use; do it now so that the first consumer
     * group of any client (some give up quickly on COORDINATOR_NOT_AVAILABLE) finds it ready.
     */
    private void warmUpGroupCoordinator(Admin admin) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            try {
                admin.describeConsumerGroups(List.of("edgedistill-stack-warmup")).all().get(5, java.util.concurrent.TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                    return; // the coordinator answered: no such group, which is the expected answer
                }
                if (System.nanoTime() > deadline) {
                    throw new StackException("The broker's group coordinator did not become available: " + e.getMessage(), e);
                }
            } catch (java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new StackException("The broker's group coordinator did not become available", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("Interrupted", e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("Interrupted", e);
            }
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Apicurio native v3 API base URL (what {@code AvroSerdes} takes). */
    public String registryUrl() {
        return registry.url();
    }

    /** Confluent-compatible API base URL. */
    public String confluentRegistryUrl() {
        return registry.confluentUrl();
    }

    public KafkaBroker broker() {
        return broker;
    }

    public ApicurioRegistry registry() {
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

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    @Override
    public void close() {
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            registry.stop();
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
