package io.edgedistill.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker + controller, one node) run as its own JVM from
 * the Maven Central jars. Storage is formatted on first start; data survive restarts in {@code dataDir}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final long MIN_FREE_DISK = 256L << 20;

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> extraConfig;
    private final List<String> jvmOptions;
    private ChildProcess process;

    public KafkaBroker(Path dataDir, int port, int controllerPort, Map<String, String> extraConfig, List<String> jvmOptions) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.extraConfig = new LinkedHashMap<>(extraConfig);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Formats storage if needed, starts the broker JVM and waits until it serves metadata requests. */
    public synchronized void start(Duration timeout) {
        if (isRunning()) {
            return;
        }
        Preflight.requireFreeDisk(dataDir, MIN_FREE_DISK, "the Kafka broker");
        Preflight.requirePortFree(port, "Kafka broker listener");
        Preflight.requirePortFree(controllerPort, "Kafka controller listener");
        Path config = writeConfig();
        Path logDir = dataDir.resolve("kafka-logs");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            String clusterId = Uuid.randomUuid().toString();
            LOG.info("formatting Kafka storage in {} (cluster id {})", logDir, clusterId);
            List<String> format = javaCommand("kafka.tools.StorageTool");
            format.addAll(List.of("format", "-t", clusterId, "-c", config.toString()));
            ChildProcess.runToCompletion("kafka-storage-format", format, dataDir, dataDir.resolve("format.log"), Duration.ofSeconds(60));
        }
        List<String> run = javaCommand("kafka.Kafka");
        run.add(config.toString());
        process = ChildProcess.start("kafka-broker", run, dataDir, dataDir.resolve("broker.log"), Map.of());
        process.awaitReady(this::answersMetadata, timeout);
        LOG.info("Kafka broker ready on {} (pid {})", bootstrapServers(), process.pid());
    }

    /** Clean shutdown (controlled shutdown on SIGTERM). */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
            process = null;
        }
    }

    /** Crash the broker (SIGKILL), for fault-injection tests. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    Path logFile() {
        return dataDir.resolve("broker.log");
    }

    private boolean answersMetadata() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2500)).nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private List<String> javaCommand(String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dlogback.configurationFile=" + writeLogbackConfig());
        cmd.add("-cp");
        cmd.add(StackArtifacts.brokerClasspath());
        cmd.add(mainClass);
        return cmd;
    }

    private Path writeConfig() {
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
        cfg.putAll(extraConfig);
        StringBuilder sb = new StringBuilder("# written by EdgeDistill's local stack\n");
        cfg.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Path file = dataDir.resolve("server.properties");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StackException("Cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private Path writeLogbackConfig() {
        Path file = dataDir.resolve("broker-logback.xml");
        String xml = """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka" level="INFO"/>
                  <logger name="org.apache.kafka" level="WARN"/>
                  <logger name="org.apache.kafka.server.BrokerLifecycleManager" level="INFO"/>
                  <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                  <logger name="state.change.logger" level="WARN"/>
                  <logger name="kafka.log.LogCleaner" level="WARN"/>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """;
        try {
            Files.createDirectories(dataDir);
            Files.writeString(file, xml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StackException("Cannot write " + file, e);
        }
        return file;
    }
}
