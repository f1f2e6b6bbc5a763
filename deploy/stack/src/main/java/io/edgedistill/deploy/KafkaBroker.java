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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.edgedistill.schemas.security.KafkaClientSecurity;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker + controller, one node) run as its own JVM from
 * the Maven Central jars. Storage is formatted on first start; data survive restarts in {@code dataDir}.
 *
 * <p>With a {@link Security} the broker is secured: its client listener takes SASL/SCRAM-SHA-512 only, the
 * KRaft {@code StandardAuthorizer} denies every operation no ACL allows ({@code allow.everyone.if.no.acl.found=false}),
 * the node talks to itself (inter-broker: transaction markers) over the client listener as the super user
 * {@code nodeUser}, and to its controller over a SASL/PLAIN controller listener (the controller cannot use SCRAM:
 * SCRAM credentials live in the metadata log it serves). The SCRAM credentials of {@code nodeUser} and of the
 * operator super user {@code adminUser} are written into the metadata log when storage is formatted
 * ({@code StorageTool format --add-scram}), so they exist before the broker first starts.
 */
public final class KafkaBroker implements AutoCloseable {

    /** The client listener's SASL mechanism. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
    /** Written next to the storage when it was formatted for a secured broker. */
    static final String SECURED_MARKER = "secured-format";

    /**
     * Credentials of a secured broker.
     *
     * @param nodeUser      the broker's own identity (inter-broker and controller connections), a super user
     * @param adminUser     the operators' super user (topics, users, ACLs)
     * @param tls           the client listener's TLS material (SASL_SSL), or null for SASL_PLAINTEXT
     */
    public record Security(String nodeUser, String nodePassword, String adminUser, String adminPassword, StackTls tls) {
        public Security {
            for (String u : List.of(nodeUser, adminUser)) {
                if (!u.matches("[A-Za-z0-9_-]+")) {
                    throw new IllegalArgumentException("super user names are [A-Za-z0-9_-]+, not " + u);
                }
            }
            for (String p : List.of(nodePassword, adminPassword)) {
                if (!p.matches("[A-Za-z0-9]{16,}")) {
                    throw new IllegalArgumentException("broker passwords are at least 16 letters and digits");
                }
            }
        }

        /** The operators' client settings (a super user). */
        public KafkaClientSecurity adminClient() {
            return client(adminUser, adminPassword);
        }

        /** A SCRAM client of this broker: over TLS, trusting the stack's CA, when the listener has TLS. */
        public KafkaClientSecurity client(String user, String password) {
            if (tls == null) {
                return KafkaClientSecurity.scram(user, password);
            }
            Map<String, String> m = new LinkedHashMap<>(KafkaClientSecurity.sasl("SASL_SSL", MECHANISM, user, password).settings());
            m.putAll(tls.clientSettings());
            return KafkaClientSecurity.fromProperties(m);
        }

        @Override
        public String toString() {
            return "Security[node=" + nodeUser + ", admin=" + adminUser + "]";
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final long MIN_FREE_DISK = 256L << 20;

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> extraConfig;
    private final List<String> jvmOptions;
    private final Security security;
    private ChildProcess process;

    public KafkaBroker(Path dataDir, int port, int controllerPort, Map<String, String> extraConfig, List<String> jvmOptions) {
        this(dataDir, port, controllerPort, extraConfig, jvmOptions, null);
    }

    /** A secured broker when {@code security} is not null (see the class comment). */
    public KafkaBroker(Path dataDir, int port, int controllerPort, Map<String, String> extraConfig, List<String> jvmOptions,
                       Security security) {
        this.security = security;
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.extraConfig = new LinkedHashMap<>(extraConfig);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The process id while running; -1 before the start. */
    public long pid() {
        return process == null ? -1 : process.pid();
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

    public boolean secured() {
        return security != null;
    }

    /** The settings of a client of the operators' super user (plaintext for an unsecured broker). */
    public KafkaClientSecurity adminClient() {
        return security == null ? KafkaClientSecurity.none() : security.adminClient();
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
        Path marker = dataDir.resolve(SECURED_MARKER);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            String clusterId = Uuid.randomUuid().toString();
            LOG.info("formatting Kafka storage in {} (cluster id {}{})", logDir, clusterId, security == null ? "" : ", secured");
            List<String> format = javaCommand("kafka.tools.StorageTool");
            format.addAll(List.of("format", "-t", clusterId, "-c", config.toString()));
            Path argFile = dataDir.resolve("format.args");
            if (security != null) {
                // SCRAM credentials in the bootstrap metadata: the broker and the operator can authenticate at first
                // start. Passed in an owner-only java @argfile, so the passwords never show on a command line.
                format.addAll(List.of("--add-scram", scram(security.nodeUser(), security.nodePassword()),
                        "--add-scram", scram(security.adminUser(), security.adminPassword())));
                format = argFileCommand(format, argFile);
            }
            try {
                ChildProcess.runToCompletion("kafka-storage-format", format, dataDir, dataDir.resolve("format.log"), Duration.ofSeconds(60));
            } finally {
                deleteQuietly(argFile);
            }
            writeMarker(marker);
        } else if (security != null && !Files.exists(marker)) {
            throw new StackException("The Kafka data in " + logDir + " were formatted for an unsecured broker: its metadata hold no "
                    + "SCRAM credentials for the secured one. Use another data directory, or delete " + dataDir + " to start afresh.");
        } else if (security == null && Files.exists(marker)) {
            throw new StackException("The Kafka data in " + logDir + " belong to a secured broker: start it secured (--secured), "
                    + "not without authentication and ACLs, or use another data directory.");
        }
        List<String> run = javaCommand("kafka.Kafka");
        run.add(config.toString());
        process = ChildProcess.start("kafka-broker", run, dataDir, dataDir.resolve("broker.log"), Map.of());
        process.awaitReady(this::answersMetadata, timeout);
        LOG.info("Kafka broker ready on {} (pid {})", bootstrapServers(), process.pid());
    }

    /**
     * The group coordinator's internal topic is created on first use; do it now so that the first consumer
     * group of any client (some give up quickly on COORDINATOR_NOT_AVAILABLE) finds it ready.
     */
    void awaitGroupCoordinator(Admin admin, Duration startTimeout) {
        try {
            Awaitility.await("the group coordinator").atMost(startTimeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200)).pollInSameThread().until(() -> coordinatorAnswers(admin));
        } catch (ConditionTimeoutException e) {
            throw new StackException("The broker's group coordinator did not become available within "
                    + startTimeout.toSeconds() + " s", e);
        }
    }

    /** Whether the coordinator answers a group look-up ("no such group" is the expected answer). */
    private static boolean coordinatorAnswers(Admin admin) throws InterruptedException {
        try {
            admin.describeConsumerGroups(List.of("edgedistill-stack-warmup")).all().get(5, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return e.getCause() instanceof GroupIdNotFoundException;
        } catch (TimeoutException e) {
            return false;
        }
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

    private static String scram(String user, String password) {
        return MECHANISM + "=[name=" + user + ",password=" + password + "]";
    }

    /** {@code java <options> @file} where the file holds {@code -cp}, the class path, the main class and its arguments. */
    private List<String> argFileCommand(List<String> command, Path argFile) {
        int cp = command.indexOf("-cp");
        StringBuilder sb = new StringBuilder();
        for (String arg : command.subList(cp, command.size())) {
            sb.append('"').append(arg.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        try {
            Secrets.writeOwnerOnly(argFile, sb.toString());
        } catch (IOException e) {
            throw new StackException("Cannot write " + argFile, e);
        }
        List<String> out = new ArrayList<>(command.subList(0, cp));
        out.add("@" + argFile);
        return out;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.toString());
        }
    }

    private void writeMarker(Path marker) {
        if (security == null) {
            return;
        }
        try {
            Files.writeString(marker, "formatted with SCRAM credentials for " + security.nodeUser() + " and " + security.adminUser() + "\n");
        } catch (IOException e) {
            throw new StackException("Cannot write " + marker, e);
        }
    }

    Path logFile() {
        return dataDir.resolve("broker.log");
    }

    private boolean answersMetadata() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        adminClient().applyTo(props);
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
        return BrokerProperties.write(dataDir, port, controllerPort, security, extraConfig);
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
