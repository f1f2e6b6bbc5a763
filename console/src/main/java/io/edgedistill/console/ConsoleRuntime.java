package io.edgedistill.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.edgedistill.console.alerts.AlertmanagerNotifier;
import io.edgedistill.console.config.ConsoleConfig;
import io.edgedistill.console.feed.GroupLag;
import io.edgedistill.console.feed.TopicFeed;
import io.edgedistill.console.view.ConsoleState;
import io.edgedistill.console.view.Dashboard;
import io.edgedistill.console.view.References;
import io.edgedistill.core.util.Workers;
import io.edgedistill.schemas.client.KafkaClientConfig;
import io.micronaut.context.annotation.Value;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's moving parts, wired once at start-up: the topic feed into the {@link ConsoleState}, the lag probe on a
 * schedule, the Alertmanager notifier where one is configured, and the simulation's reference file (re-read when it
 * changes). The HTTP side reads {@link #dashboard()}. It starts with the HTTP server (a context without one, as in a
 * configuration test, never touches Kafka).
 */
@Singleton
public class ConsoleRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRuntime.class);

    private final ConsoleConfig config;
    private final ConsoleState state;
    private final TopicFeed feed;
    private final GroupLag lag;
    private final AlertmanagerNotifier notifier;
    /** The lag probe and the notifier, each on its own thread: a slow Alertmanager does not hold the lag back. */
    private final ScheduledExecutorService schedule = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "console-schedule");
        t.setDaemon(true);
        return t;
    });
    private final Path referencesFile;
    private References references = References.NONE;
    /** The reference file as last read: its identity (a rename makes a new one), time and size. */
    private Object referencesSeen;
    private long referencesChanges;
    private Dashboard cached;
    private long cachedVersion = -1;
    private long cachedAt;

    public ConsoleRuntime(ConsoleConfig config, KafkaClientConfig kafka,
                          @Value("${micronaut.server.port:8070}") int port) {
        this.config = config;
        this.state = new ConsoleState(config.taskId(), Duration.ofMillis(config.alertWindowMs()), config.generatedPerClass());
        this.referencesFile = config.referencesFile().isEmpty() ? null : Path.of(config.referencesFile());
        this.feed = new TopicFeed(kafka.settings(), state);
        this.lag = new GroupLag(kafka.settings());
        this.notifier = config.alertmanagerUrl().isEmpty() ? null
                : new AlertmanagerNotifier(config.alertmanagerUrl(), config.taskId(), "http://localhost:" + port + "/");
        schedule.scheduleWithFixedDelay(this::measureLag, 0, config.lagIntervalMs(), TimeUnit.MILLISECONDS);
        if (notifier != null) {
            schedule.scheduleWithFixedDelay(this::notifyAlertmanager, config.alertmanagerIntervalMs(),
                    config.alertmanagerIntervalMs(), TimeUnit.MILLISECONDS);
        }
        LOG.info("console of task {} reading {} and {}", config.taskId(), TopicFeed.TOPICS, TopicFeed.DEAD_LETTER_TOPICS);
    }

    /** Created (and so reading) as soon as the page can be served. */
    @EventListener
    void onServerStartup(ServerStartupEvent event) {
        LOG.info("console serving http://localhost:{}/", event.getSource().getPort());
    }

    public ConsoleConfig config() {
        return config;
    }

    /** A change counter: the view differs when it grows (a record read, or the reference file changed). */
    public synchronized long version() {
        refreshReferences();
        return state.version() + referencesChanges;
    }

    /**
     * The view, made at most once per change and push interval however many pages watch it (the firing state of alerts
     * is as of its making; the page recomputes it).
     */
    public synchronized Dashboard dashboard() {
        long v = version();
        long now = System.currentTimeMillis();
        if (cached == null || cachedVersion != v || now - cachedAt >= config.pushIntervalMs()) {
            cached = state.dashboard(references, Instant.ofEpochMilli(now));
            cachedVersion = v;
            cachedAt = now;
        }
        return cached;
    }

    public boolean feedRunning() {
        return feed.isRunning();
    }

    public long recordsSkipped() {
        return feed.skipped();
    }

    private void refreshReferences() {
        if (referencesFile == null) {
            return;
        }
        Object seen;
        try {
            BasicFileAttributes a = Files.readAttributes(referencesFile, BasicFileAttributes.class);
            seen = List.of(String.valueOf(a.fileKey()), a.lastModifiedTime().toMillis(), a.size());
        } catch (java.io.IOException e) {
            seen = "absent";
        }
        if (!seen.equals(referencesSeen)) {
            references = References.read(referencesFile);
            referencesSeen = seen;
            referencesChanges++;
        }
    }

    private void measureLag() {
        try {
            state.lag(lag.measure(), null, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            state.lag(List.of(), e.getClass().getSimpleName() + ": " + e.getMessage(), Instant.now());
        }
    }

    private void notifyAlertmanager() {
        try {
            notifier.sendChanges(state.alertGroups());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("alerts not sent to Alertmanager (retried): {}", e.getMessage());
        }
    }

    @PreDestroy
    @Override
    public void close() {
        Workers.stopNow(schedule, Duration.ofSeconds(5));
        feed.close();
        lag.close();
    }
}
