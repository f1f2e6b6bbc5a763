package io.edgedistill.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry (the runnable Quarkus distribution from Maven Central, in-memory storage) with
 * its Confluent-compatible API under {@code /apis/ccompat/v7}. It needs Java 21+, which is looked up with
 * {@link JavaRuntimes}. The registry enforces BACKWARD compatibility globally.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);
    public static final int MIN_JAVA = 21;

    private final Path workDir;
    private final int port;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ChildProcess process;

    public ApicurioRegistry(Path workDir, int port) {
        this.workDir = workDir.toAbsolutePath();
        this.port = port;
    }

    /** Base URL of the native v3 API, as Apicurio's serdes expect it. */
    /** The process id while running; -1 before the start. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/apis/registry/v3";
    }

    /** Base URL of the Confluent-compatible API, for Confluent clients in any language. */
    public String confluentUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized void start(Duration timeout) {
        if (isRunning()) {
            return;
        }
        JavaRuntimes.Runtime java = JavaRuntimes.require(MIN_JAVA, "Apicurio Registry " + StackArtifacts.apicurioVersion());
        Preflight.requirePortFree(port, "Apicurio Registry HTTP");
        Preflight.requireFreeDisk(workDir, 64L << 20, "Apicurio Registry");
        Path home = unpackedDistribution();
        Path tmp = workDir.resolve("tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new StackException("Cannot create " + tmp, e);
        }
        List<String> cmd = new ArrayList<>(List.of(
                java.javaExecutable().toString(),
                "-Xms64m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + tmp,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                // the management interface (health, metrics) is built in; give it its own free loopback port
                "-Dquarkus.management.port=" + Preflight.freePort(),
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.log.level=WARN",
                "-Dquarkus.log.category.\"io.apicurio\".level=INFO",
                "-Dquarkus.banner.enabled=false",
                "-jar", home.resolve("quarkus-run.jar").toString()));
        LOG.info("starting Apicurio Registry {} on port {} with Java {} ({})", StackArtifacts.apicurioVersion(), port,
                java.featureVersion(), java.home());
        process = ChildProcess.start("apicurio-registry", cmd, workDir, workDir.resolve("registry.log"), Map.of());
        process.awaitReady(this::answersInfo, timeout);
        enforceGlobalRule("COMPATIBILITY", "BACKWARD");
        enforceGlobalRule("VALIDITY", "FULL");
        LOG.info("Apicurio Registry ready at {} (pid {})", url(), process.pid());
    }

    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(20));
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The configured global rule value, e.g. BACKWARD for COMPATIBILITY. */
    public String globalRule(String ruleType) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url() + "/admin/rules/" + ruleType)).GET().build());
        if (r.statusCode() != 200) {
            throw new StackException("Reading global rule " + ruleType + " failed: HTTP " + r.statusCode() + " " + r.body());
        }
        try {
            return JSON.readTree(r.body()).path("config").asText();
        } catch (IOException e) {
            throw new StackException("Unreadable rule " + ruleType + ": " + r.body(), e);
        }
    }

    private void enforceGlobalRule(String type, String config) {
        String json = "{\"ruleType\":\"" + type + "\",\"config\":\"" + config + "\"}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(url() + "/admin/rules"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        if (created.statusCode() / 100 == 2) {
            return;
        }
        HttpResponse<String> updated = send(HttpRequest.newBuilder(URI.create(url() + "/admin/rules/" + type))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
        if (updated.statusCode() / 100 != 2) {
            throw new StackException("Could not set the registry's global " + type + " rule to " + config + ": HTTP "
                    + updated.statusCode() + " " + updated.body());
        }
    }

    private boolean answersInfo() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/system/info"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StackException("Registry request " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }

    /** Unpacks the distribution once into the user cache; later starts reuse it. */
    private static Path unpackedDistribution() {
        Path archive = StackArtifacts.apicurioArchive();
        String cacheRoot = System.getenv().getOrDefault("EDGEDISTILL_CACHE",
                Path.of(System.getProperty("user.home"), ".cache", "edgedistill").toString());
        Path target = Path.of(cacheRoot, "apicurio-registry-app-" + StackArtifacts.apicurioVersion());
        if (Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
            return target;
        }
        synchronized (ApicurioRegistry.class) {
            if (Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
                return target;
            }
            try {
                Files.createDirectories(target.getParent());
                Path staging = Files.createTempDirectory(target.getParent(), "unpack-");
                LOG.info("unpacking {} into {}", archive.getFileName(), target);
                ChildProcess.runToCompletion("tar", List.of("tar", "-xzf", archive.toString(), "-C", staging.toString()),
                        staging, target.getParent().resolve("unpack.log"), Duration.ofMinutes(3));
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    if (!Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
                        throw e;
                    }
                }
            } catch (IOException e) {
                throw new StackException("Cannot unpack the registry into " + target + ": " + e.getMessage(), e);
            }
        }
        return target;
    }
}
