package io.edgedistill.console.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgedistill.console.view.AlertGroups;

/**
 * Sends deduplicated alerts to an Alertmanager through its v2 API ({@code POST /api/v2/alerts}): one Alertmanager alert
 * per edge, attack class and source, labelled so, that ends a window after its last detection unless a newer detection
 * extends it. Each call sends the groups that started or grew since the previous successful call; a failed call is
 * retried with the same groups on the next. Alertmanager deduplicates by labels, so a resend is harmless.
 */
public final class AlertmanagerNotifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String task;
    private final String consoleUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private long sent;

    /** {@code baseUrl}: the Alertmanager, e.g. http://alertmanager:9093. */
    public AlertmanagerNotifier(String baseUrl, String task, String consoleUrl) {
        this.endpoint = URI.create(baseUrl.replaceAll("/+$", "") + "/api/v2/alerts");
        this.task = task;
        this.consoleUrl = consoleUrl;
    }

    /** Sends what changed in {@code groups}; returns how many alerts were sent. */
    public synchronized int sendChanges(AlertGroups groups) throws IOException, InterruptedException {
        List<AlertGroups.Group> changed = groups.changedSince(sent);
        if (changed.isEmpty()) {
            return 0;
        }
        List<Map<String, Object>> body = new ArrayList<>();
        for (AlertGroups.Group g : changed) {
            body.add(payload(g, groups.window()));
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("Alertmanager answered HTTP " + r.statusCode() + " to " + endpoint + ": " + r.body());
        }
        sent = changed.get(changed.size() - 1).changed();
        return changed.size();
    }

    /** One alert in Alertmanager's v2 format. */
    Map<String, Object> payload(AlertGroups.Group g, Duration window) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("alertname", "POISONED_CONTRIBUTION".equals(g.kind()) ? "EdgeDistillQuarantine" : "EdgeDistillAttack");
        labels.put("task", task);
        labels.put("edge", g.key().edgeId());
        labels.put("attack_class", g.key().attackClass());
        labels.put("source", g.key().source());
        labels.put("severity", "POISONED_CONTRIBUTION".equals(g.kind()) ? "critical" : "warning");
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put("summary", g.count() + " detection(s) of " + g.key().attackClass() + " on " + g.key().edgeId() + " by the "
                + g.key().source().toLowerCase(java.util.Locale.ROOT));
        annotations.put("count", String.valueOf(g.count()));
        annotations.put("max_score", String.format(java.util.Locale.ROOT, "%.3f", g.maxScore()));
        annotations.put("detail", g.detail());
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("labels", labels);
        alert.put("annotations", annotations);
        alert.put("startsAt", g.first().toString());
        alert.put("endsAt", g.last().plus(window).toString());
        alert.put("generatorURL", consoleUrl);
        return alert;
    }
}
