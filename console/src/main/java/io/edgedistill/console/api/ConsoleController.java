package io.edgedistill.console.api;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.edgedistill.console.ConsoleRuntime;
import io.edgedistill.console.view.Dashboard;
import io.edgedistill.schemas.http.HttpUsers;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The page ({@code /}, static files under {@code public/} with Chart.js from its WebJar) and its data: the whole view
 * as JSON ({@code GET /api/dashboard}) and as server-sent events ({@code GET /api/events}: the view at once, then again
 * whenever it changed, checked every {@code console.push-interval-ms}). Read-only: the console changes nothing.
 */
@Secured({HttpUsers.OBSERVER, HttpUsers.OPERATOR})
@Controller
public class ConsoleController {

    private final ConsoleRuntime runtime;

    public ConsoleController(ConsoleRuntime runtime) {
        this.runtime = runtime;
    }

    @Get
    public HttpResponse<Object> page() {
        return HttpResponse.redirect(URI.create("/index.html"));
    }

    @Get("/api/dashboard")
    @ExecuteOn(TaskExecutors.BLOCKING)
    public Dashboard dashboard() {
        return runtime.dashboard();
    }

    @Get(value = "/api/events", produces = MediaType.TEXT_EVENT_STREAM)
    public Publisher<Event<Dashboard>> events() {
        AtomicLong seen = new AtomicLong(-1);
        // the view is made off the timer's threads: making one (a new set's projection) may take a while
        return Flux.interval(Duration.ZERO, Duration.ofMillis(runtime.config().pushIntervalMs()))
                .onBackpressureDrop()
                .publishOn(Schedulers.boundedElastic(), 1)
                .filter(tick -> {
                    long v = runtime.version();
                    return seen.getAndSet(v) != v;
                })
                .map(tick -> Event.of(runtime.dashboard()).name("dashboard"));
    }
}
