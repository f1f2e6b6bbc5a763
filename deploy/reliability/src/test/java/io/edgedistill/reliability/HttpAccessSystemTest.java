package io.edgedistill.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.deploy.Pem;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.deploy.StackTls;
import io.edgedistill.edge.app.EdgeApplication;
import io.edgedistill.schemas.http.HttpUsers;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every HTTP door of the real services with {@code edgedistill.http.enabled}: the processor, the updater and the console
 * as their own JVMs, an edge in this JVM. Without credentials or with an observer's, a change (open a round, roll a
 * model back) is refused (401 / 403) and changes nothing; reading needs a user; an operator may change; {@code /health}
 * and the updater's public key stay open. The console serves HTTPS only (a key signed by a CA made for the test, as
 * the secured stack's services do): plain HTTP and clients without the CA get nothing.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class HttpAccessSystemTest {

    private static final String OPERATOR = "ops";
    private static final String OBSERVER = "viewer";
    private HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Map<String, String> passwords = Map.of(OPERATOR, "op-" + UUID.randomUUID(), OBSERVER, "ob-" + UUID.randomUUID());

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void changesNeedAnOperatorReadingNeedsAUserAndHealthStaysOpen(LocalStack stack, @TempDir Path dir) throws Exception {
        Path users = dir.resolve("http-users.properties");
        HttpUsers.write(users, Map.of(OPERATOR, HttpUsers.OPERATOR, OBSERVER, HttpUsers.OBSERVER), passwords);
        Map<String, String> access = Map.of("edgedistill.http.enabled", "true", "edgedistill.http.users-file", users.toString());
        String task = "http-access-" + UUID.randomUUID();

        Map<String, String> processorProps = new LinkedHashMap<>(SystemFixture.processorProps(stack, dir, task, access));
        StackTls tls = StackTls.in(dir.resolve("tls"), "store-" + UUID.randomUUID());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).sslContext(Pem.trusting(tls.caCertificate())).build();
        Map<String, String> consoleProps = new LinkedHashMap<>(access);
        consoleProps.put(ServiceProcess.HTTPS_ENABLED, "true");
        consoleProps.put("micronaut.server.ssl.key-store.path", "file:" + tls.servicesKeyStore());
        consoleProps.put("micronaut.server.ssl.key-store.type", "PKCS12");
        consoleProps.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        consoleProps.put("edgedistill.kafka.registry-url", stack.registryUrl());
        consoleProps.put("console.task-id", task);
        Map<String, Object> edgeProps = new LinkedHashMap<>(access);
        edgeProps.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        edgeProps.put("edgedistill.kafka.registry-url", stack.registryUrl());
        edgeProps.put("edge.task-id", task);
        edgeProps.put("micronaut.server.port", -1);

        try (ServiceProcess processor = ServiceProcess.start(SystemFixture.REPO, "distill-processor",
                "io.edgedistill.processor.ProcessorApplication", processorProps, dir, "768m");
             ServiceProcess console = ServiceProcess.start(SystemFixture.REPO, "console", "io.edgedistill.console.ConsoleApplication",
                     consoleProps, Map.of("MICRONAUT_SERVER_SSL_KEY_STORE_PASSWORD", tls.password()), dir, "256m")
                     .trusting(tls.caCertificate());
             ServiceProcess updater = SystemFixture.startUpdater(stack, dir, access);
             ApplicationContext edge = EdgeApplication.start(edgeProps)) {
            processor.awaitHealthy(Duration.ofSeconds(120));
            console.awaitHealthy(Duration.ofSeconds(120));
            String p = processor.url("");
            String e = "http://127.0.0.1:" + edge.getBean(EmbeddedServer.class).getPort();

            // the processor: reading needs a user, opening a round an operator; refused requests open none
            await().atMost(Duration.ofSeconds(60)).until(() -> get(p + "/rounds/current", OBSERVER).statusCode() == 200);
            long round = roundId(p);
            assertThat(post(p + "/rounds", null).statusCode()).isEqualTo(401);
            assertThat(post(p + "/rounds", OBSERVER).statusCode()).isEqualTo(403);
            assertThat(post(p + "/rounds", "intruder").statusCode()).as("an unknown user").isEqualTo(401);
            assertThat(post(p + "/rounds", "operator-with-a-wrong-password").statusCode()).as("a wrong password").isEqualTo(401);
            assertThat(roundId(p)).as("no round opened by a refused request").isEqualTo(round);
            assertThat(post(p + "/rounds", OPERATOR).statusCode()).isEqualTo(200);
            assertThat(roundId(p)).isEqualTo(round + 1);
            assertThat(get(p + "/rounds/current", null).statusCode()).isEqualTo(401);
            assertThat(get(p + "/quarantine", null).statusCode()).isEqualTo(401);
            assertThat(get(p + "/prometheus", null).statusCode()).isEqualTo(401);
            HttpResponse<String> metrics = get(p + "/prometheus", OBSERVER);
            assertThat(metrics.statusCode()).as("%s%n%s", metrics.body(), processor.tail(40)).isEqualTo(200);
            assertThat(get(p + "/metrics/edgedistill.processor.flows.scored", null).statusCode()).isEqualTo(401);
            assertThat(get(p + "/metrics", OBSERVER).statusCode()).isEqualTo(200);
            assertThat(get(p + "/health", null).statusCode()).isEqualTo(200);
            for (String management : new String[] {"/loggers", "/beans", "/routes", "/threaddump"}) {
                assertThat(get(p + management, OPERATOR).statusCode()).as(management + ", not served").isIn(403, 404);
            }

            // the updater: its history needs a user; its public key and health are open
            String u = updater.url("");
            assertThat(get(u + "/models", null).statusCode()).isEqualTo(401);
            assertThat(get(u + "/models", OBSERVER).statusCode()).isEqualTo(200);
            assertThat(get(u + "/keys", null).statusCode()).isEqualTo(200);
            assertThat(get(u + "/health", null).statusCode()).isEqualTo(200);

            // the console: HTTPS only, with a certificate only the CA's clients trust
            String c = console.url("");
            assertThat(c).startsWith("https://");
            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(c.replace("https:", "http:") + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("plain HTTP on the console's port").isInstanceOf(java.io.IOException.class);
            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(c + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString())).as("a client without the CA")
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            // the console: the page, its script and its data need a user
            assertThat(get(c + "/", null).statusCode()).isEqualTo(401);
            assertThat(get(c + "/api/events", null).statusCode()).as("the live stream").isEqualTo(401);
            for (String path : new String[] {"/api/dashboard", "/index.html", "/console.js", "/webjars/chartjs/4.4.3/dist/chart.umd.js"}) {
                assertThat(get(c + path, null).statusCode()).as(path).isEqualTo(401);
                assertThat(get(c + path, OBSERVER).statusCode()).as(path).isEqualTo(200);
            }
            assertThat(get(c + "/health", null).statusCode()).isEqualTo(200);

            // the edge: a rollback needs an operator; refused ones leave the running model as it is
            HttpResponse<String> before = get(e + "/edge/model", OBSERVER);
            assertThat(post(e + "/edge/model/rollback", null).statusCode()).isEqualTo(401);
            assertThat(post(e + "/edge/model/rollback", OBSERVER).statusCode()).isEqualTo(403);
            HttpResponse<String> after = get(e + "/edge/model", OBSERVER);
            assertThat(after.statusCode()).isEqualTo(before.statusCode());
            assertThat(after.body()).as("the running model").isEqualTo(before.body());
            assertThat(post(e + "/edge/model/rollback", OPERATOR).statusCode()).as("allowed: nothing to roll back to yet")
                    .isEqualTo(409);
            assertThat(get(e + "/edge", null).statusCode()).isEqualTo(401);
            assertThat(get(e + "/health", null).statusCode()).isEqualTo(200);
        }
    }

    private long roundId(String processor) throws Exception {
        return SystemFixture.JSON.readTree(get(processor + "/rounds/current", OBSERVER).body()).path("roundId").asLong();
    }

    private HttpResponse<String> get(String url, String user) throws Exception {
        return http.send(as(HttpRequest.newBuilder(URI.create(url)).GET(), user).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String user) throws Exception {
        return http.send(as(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")), user).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder as(HttpRequest.Builder b, String user) {
        if (user == null) {
            return b;
        }
        String name = user.equals("operator-with-a-wrong-password") ? OPERATOR : user;
        String password = user.equals(name) ? passwords.getOrDefault(user, "wrong") : "not-" + passwords.get(OPERATOR);
        user = name;
        return b.header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
}
