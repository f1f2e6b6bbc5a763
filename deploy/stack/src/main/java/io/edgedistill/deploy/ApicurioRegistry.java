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
 *
 * <p>With {@link Security} (the secured local stack) it serves HTTPS only, with the stack's CA-signed key, and every
 * request but {@code /system/info} needs basic auth against the users given, checked by the distribution's own
 * Quarkus identity store (users and SHA-512 digests, never a password, in {@code <work dir>/config/application.properties},
 * owner-only, with the key store's password: nothing secret on the command line); Apicurio's role-based authorization
 * then lets {@code sr-admin} change rules and register schemas and {@code sr-readonly} only read.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);
    public static final int MIN_JAVA = 21;

    /** The roles of Apicurio's role-based authorization. */
    public static final String ADMIN_ROLE = "sr-admin";
    public static final String READ_ONLY_ROLE = "sr-readonly";
    /** The realm the users' digests are computed in (the distribution's, fixed when it was built). */
    static final String REALM = "Quarkus";

    private final Path workDir;
    private final int port;
    private final Security security;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private ChildProcess process;

    public ApicurioRegistry(Path workDir, int port) {
        this(workDir, port, null);
    }

    /** A registry with the given doors ({@code null}: plain HTTP, open to anyone who reaches it). */
    public ApicurioRegistry(Path workDir, int port, Security security) {
        this.workDir = workDir.toAbsolutePath();
        this.port = port;
        this.security = security;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (security != null) {
            b.sslContext(Pem.trusting(security.caCertificate()));
        }
        this.http = b.build();
    }

    /**
     * The doors of a secured registry.
     *
     * @param keyStore         its key and CA-signed certificate (PKCS12)
     * @param keyStorePassword the key store's password
     * @param caCertificate    the CA its clients trust (PEM), for its own calls
     * @param passwords        user name to password (kept as digests in the registry's configuration)
     * @param roles            user name to {@link #ADMIN_ROLE} or {@link #READ_ONLY_ROLE}
     * @param adminUser        the user the stack's own calls (global rules) are made as
     */
    public record Security(Path keyStore, String keyStorePassword, Path caCertificate, Map<String, String> passwords,
                           Map<String, String> roles, String adminUser) {
        public Security {
            passwords = Map.copyOf(passwords);
            roles = Map.copyOf(roles);
            if (!roles.keySet().equals(passwords.keySet()) || !ADMIN_ROLE.equals(roles.get(adminUser))) {
                throw new IllegalArgumentException("every registry user needs a password and a role, and " + adminUser
                        + " must be " + ADMIN_ROLE);
            }
        }

        @Override
        public String toString() {
            return "registry users " + new java.util.TreeMap<>(roles);
        }
    }

    /** The process id while running; -1 before the start. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    public boolean secured() {
        return security != null;
    }

    /** Base URL of the native v3 API, as Apicurio's serdes expect it. */
    public String url() {
        return base() + "/apis/registry/v3";
    }

    /** Base URL of the Confluent-compatible API, for Confluent clients in any language. */
    public String confluentUrl() {
        return base() + "/apis/ccompat/v7";
    }

    private String base() {
        return (security == null ? "http" : "https") + "://127.0.0.1:" + port;
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
        writeConfiguration();
        List<String> cmd = new ArrayList<>(List.of(
                java.javaExecutable().toString(),
                "-Xms64m", "-Xmx768m", "-XX:+UseSerialGC", LocalJvm.COMPILER,
                "-Djava.io.tmpdir=" + tmp,
                "-Dquarkus.http.port=" + (security == null ? port : Preflight.freePort()),
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

    /**
     * The registry's own configuration file, {@code config/application.properties} in its working directory (Quarkus
     * reads it at start): empty when open; when secured, HTTPS only, basic auth against the users' SHA-512 digests,
     * role-based authorization, and the key store's password. Owner-only.
     */
    private void writeConfiguration() {
        Path file = workDir.resolve("config").resolve("application.properties");
        java.util.Properties p = new java.util.Properties();
        if (security != null) {
            p.put("quarkus.http.ssl-port", String.valueOf(port));
            p.put("quarkus.http.insecure-requests", "disabled");
            p.put("quarkus.http.ssl.certificate.key-store-file", security.keyStore().toString());
            p.put("quarkus.http.ssl.certificate.key-store-file-type", "PKCS12");
            p.put("quarkus.http.ssl.certificate.key-store-password", security.keyStorePassword());
            p.put("quarkus.http.ssl.protocols", "TLSv1.3");
            p.put("quarkus.http.auth.basic", "true");
            p.put("quarkus.security.users.embedded.enabled", "true");
            p.put("quarkus.security.users.embedded.plain-text", "false");
            p.put("quarkus.security.users.embedded.algorithm", "digest-sha-512");
            security.passwords().forEach((user, password) -> {
                p.put("quarkus.security.users.embedded.users." + user, digest(user, password));
                p.put("quarkus.security.users.embedded.roles." + user, security.roles().get(user));
            });
            p.put("apicurio.auth.role-based-authorization", "true");
            p.put("apicurio.auth.role-source", "token");
        }
        try {
            Files.createDirectories(file.getParent());
            java.io.StringWriter w = new java.io.StringWriter();
            p.store(w, "Apicurio Registry settings written by the EdgeDistill stack at each start; keep private");
            Secrets.writeOwnerOnly(file, w.toString());
        } catch (IOException e) {
            throw new StackException("Cannot write the registry's configuration " + file + ": " + e.getMessage(), e);
        }
    }

    /** The stored form of a password: hex SHA-512 of {@code user:realm:password} (Quarkus' digest). */
    static String digest(String user, String password) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-512")
                    .digest((user + ":" + REALM + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        HttpResponse<String> r = send(asAdmin(HttpRequest.newBuilder(URI.create(url() + "/admin/rules/" + ruleType))).GET().build());
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
        HttpResponse<String> created = send(asAdmin(HttpRequest.newBuilder(URI.create(url() + "/admin/rules")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        if (created.statusCode() / 100 == 2) {
            return;
        }
        HttpResponse<String> updated = send(asAdmin(HttpRequest.newBuilder(URI.create(url() + "/admin/rules/" + type)))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
        if (updated.statusCode() / 100 != 2) {
            throw new StackException("Could not set the registry's global " + type + " rule to " + config + ": HTTP "
                    + updated.statusCode() + " " + updated.body());
        }
    }

    /** The request with the admin user's basic credentials on a secured registry. */
    private HttpRequest.Builder asAdmin(HttpRequest.Builder request) {
        if (security != null) {
            String user = security.adminUser();
            String token = java.util.Base64.getEncoder().encodeToString((user + ":" + security.passwords().get(user))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            request.header("Authorization", "Basic " + token);
        }
        return request;
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
