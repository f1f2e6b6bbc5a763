package io.edgedistill.edge.app;

import java.util.LinkedHashMap;
import java.util.Map;

import io.edgedistill.edge.core.DeployedModel;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.schemas.http.HttpUsers;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;

/**
 * The edge's state over HTTP: which model it runs, rejected updates, rounds answered and rounds seen of other tasks
 * ({@code foreignTaskRoundsSeen}: an edge whose task id matches no round shows it there), traffic and scoring counters.
 */
@Secured({HttpUsers.OBSERVER, HttpUsers.OPERATOR})
@Controller("/edge")
public class EdgeController {
    private final EdgeRuntime runtime;

    public EdgeController(EdgeRuntime runtime) {
        this.runtime = runtime;
    }

    @Get
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>(runtime.node().status());
        var s = runtime.streamer();
        if (s != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("produced", s.produced());
            t.put("sent", s.sent());
            t.put("acked", s.acked());
            t.put("failedThenRequeued", s.failed());
            t.put("queueDepth", s.queueDepth());
            t.put("queueCapacity", s.queueCapacity());
            t.put("queueFullEvents", s.queueFullEvents());
            t.put("sendBlockedRetries", s.sendBlockedRetries());
            m.put("traffic", t);
        }
        m.put("scoringBacklog", runtime.scoringBacklog());
        return m;
    }

    /** The running model ("modelId vN") and the previous one. */
    @Get("/model")
    public Map<String, Object> model() {
        DeployedModel live = runtime.node().slot().live();
        DeployedModel prev = runtime.node().slot().previous();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", live == null ? null : live.toString());
        m.put("modelId", live == null ? null : live.modelId());
        m.put("version", live == null ? null : live.version());
        m.put("previous", prev == null ? null : prev.toString());
        return m;
    }

    /** Rolls back to the previous model. */
    @Secured(HttpUsers.OPERATOR)
    @Post("/model/rollback")
    public HttpResponse<Map<String, Object>> rollback() {
        return runtime.node().slot().rollback()
                .<HttpResponse<Map<String, Object>>>map(m -> HttpResponse.ok(Map.of("running", m.toString())))
                .orElseGet(() -> HttpResponse.status(io.micronaut.http.HttpStatus.CONFLICT)
                        .body(Map.of("error", "no previous model to roll back to")));
    }
}
