package io.edgedistill.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One EdgeDistill service (a Micronaut application module) run as its own JVM with the class path its
 * build wrote to {@code <module>/target/run.classpath}; ready when its {@code /health} answers UP. Used by the
 * demo and by the fault-injection tests (which crash it with {@link #kill()}).
 */
public final class ServiceProcess implements AutoCloseable {

    /** The Micronaut setting that turns HTTPS on (then the service serves HTTPS only, on its one port). */
    public static final String HTTPS_ENABLED = "micronaut.server.ssl.enabled";

    private final String name;
    private final int port;
    private final boolean https;
    private final ChildProcess process;
    private volatile HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The Authorization header of this process's requests (HTTP basic auth), or null. */
    private volatile String authorization;

    private ServiceProcess(String name, int port, boolean https, ChildProcess process) {
        this.name = name;
        this.port = port;
        this.https = https;
        this.process = process;
    }

    /** Starts {@code mainClass} of {@code module} with {@code properties} as -D options. */
    public static ServiceProcess start(Path repo, String module, String mainClass, Map<String, String> properties, Path logDir,
                                String heap) {
        return start(repo, module, mainClass, properties, Map.of(), logDir, heap);
    }

    /**
     * The same with extra environment variables: the place for secrets (a -D option is visible to every local user
     * in the process list; a process's environment only to its owner).
     */
    public static ServiceProcess start(Path repo, String module, String mainClass, Map<String, String> properties,
                                       Map<String, String> environment, Path logDir, String heap) {
        return start(repo, module, mainClass, properties, environment, logDir, heap, Preflight.freePort());
    }

    /** The same on a given HTTP port (one a user is told to open, such as the console's). */
    public static ServiceProcess start(Path repo, String module, String mainClass, Map<String, String> properties,
                                       Map<String, String> environment, Path logDir, String heap, int port) {
        Path moduleDir = repo.resolve(module);
        Path cpFile = moduleDir.resolve("target/run.classpath");
        if (!Files.isRegularFile(cpFile)) {
            throw new StackException(cpFile + " is missing: build the project first (./mvnw -B -pl deploy/demo -am install -DskipTests)");
        }
        String cp;
        try {
            cp = moduleDir.resolve("target/classes") + java.io.File.pathSeparator + Files.readString(cpFile).trim();
        } catch (IOException e) {
            throw new StackException("Cannot read " + cpFile, e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseSerialGC");
        cmd.add(LocalJvm.COMPILER);
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dmicronaut.server.port=" + port);
        boolean https = Boolean.parseBoolean(properties.getOrDefault(HTTPS_ENABLED, "false"));
        if (https) {
            cmd.add("-Dmicronaut.server.ssl.port=" + port);
            cmd.add("-Dmicronaut.server.dual-protocol=false");
        }
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(mainClass);
        ChildProcess child = ChildProcess.start(module, cmd, repo, logDir.resolve(module.replace('/', '-') + ".log"), environment);
        return new ServiceProcess(module, port, https, child);
    }

    public void awaitHealthy(Duration timeout) {
        process.awaitReady(() -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/health"))).timeout(Duration.ofSeconds(2))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().contains("UP");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, timeout);
    }

    public String url(String path) {
        return (https ? "https" : "http") + "://127.0.0.1:" + port + path;
    }

    /** Trusts the CA certificates in {@code caPem} (and only them) for this service's HTTPS. */
    public ServiceProcess trusting(Path caPem) {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(Pem.trusting(caPem)).build();
        return this;
    }

    /** Sends {@link #get} and {@link #post} requests as {@code user} (a service with {@code edgedistill.http.enabled}). */
    public ServiceProcess authenticateAs(String user, String password) {
        authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return this;
    }

    public String get(String path) {
        return send(request(path).GET().build());
    }

    public String post(String path) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)));
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    private String send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new StackException(name + " answered HTTP " + r.statusCode() + " to " + request.uri() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new StackException(name + " did not answer " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted", e);
        }
    }

    public Path logFile() {
        return process.logFile();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The last lines of the service's log (for failure messages). */
    public String tail(int lines) {
        return process.tail(lines);
    }

    /** Crashes the service: SIGKILL, no shutdown hooks, no clean close of clients or state. */
    public void kill() {
        process.kill();
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(20));
    }
}
