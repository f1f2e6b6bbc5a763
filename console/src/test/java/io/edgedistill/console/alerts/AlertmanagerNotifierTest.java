package io.edgedistill.console.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.edgedistill.console.view.AlertGroups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a stand-in for Alertmanager's v2 API on a local port: what is posted, and that nothing is lost on failure. */
class AlertmanagerNotifierTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v2/alerts", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (status.get() == 200 && "POST".equals(ex.getRequestMethod())) {
                posted.add(new ObjectMapper().readTree(new String(body, StandardCharsets.UTF_8)));
            }
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void postsEachDeduplicatedAlertOnceAndAgainOnlyWhenItGrows() throws Exception {
        AlertGroups groups = new AlertGroups(Duration.ofSeconds(60), 100);
        AlertGroups.Key udp = new AlertGroups.Key("edge-01", "UDPFlood", "EDGE");
        for (int i = 0; i < 20; i++) {
            groups.add(udp, "NETWORK_ATTACK", 0.9, "", T0.plusSeconds(i));
        }
        groups.add(new AlertGroups.Key("edge-02", "-", "PROCESSOR"), "POISONED_CONTRIBUTION", 9.1, "class 1: z 9.1", T0);
        AlertmanagerNotifier n = new AlertmanagerNotifier("http://127.0.0.1:" + server.getAddress().getPort() + "/", "t",
                "http://localhost:8070/");

        assertThat(n.sendChanges(groups)).isEqualTo(2);
        assertThat(n.sendChanges(groups)).as("nothing changed").isZero();
        groups.add(udp, "NETWORK_ATTACK", 0.95, "", T0.plusSeconds(30));
        assertThat(n.sendChanges(groups)).isEqualTo(1);

        assertThat(posted).hasSize(2);
        JsonNode first = posted.get(0);
        assertThat(first).hasSize(2);
        JsonNode attack = first.get(0).path("labels").path("alertname").asText().equals("EdgeDistillAttack") ? first.get(0) : first.get(1);
        assertThat(attack.path("labels").path("edge").asText()).isEqualTo("edge-01");
        assertThat(attack.path("labels").path("attack_class").asText()).isEqualTo("UDPFlood");
        assertThat(attack.path("annotations").path("count").asText()).isEqualTo("20");
        assertThat(attack.path("startsAt").asText()).isEqualTo(T0.toString());
        assertThat(attack.path("endsAt").asText()).isEqualTo(T0.plusSeconds(19 + 60).toString());
        assertThat(posted.get(1).get(0).path("annotations").path("count").asText()).isEqualTo("21");
    }

    @Test
    void aRefusedPostIsRetriedWithTheSameAlerts() throws Exception {
        AlertGroups groups = new AlertGroups(Duration.ofSeconds(60), 100);
        groups.add(new AlertGroups.Key("edge-01", "UDPFlood", "EDGE"), "NETWORK_ATTACK", 0.9, "", T0);
        AlertmanagerNotifier n = new AlertmanagerNotifier("http://127.0.0.1:" + server.getAddress().getPort(), "t", "");
        status.set(503);
        assertThatThrownBy(() -> n.sendChanges(groups)).hasMessageContaining("HTTP 503");
        status.set(200);
        assertThat(n.sendChanges(groups)).isEqualTo(1);
        assertThat(posted).hasSize(1);
    }
}
