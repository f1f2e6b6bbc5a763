package io.edgedistill.console;

import java.nio.file.Files;
import java.nio.file.Path;
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
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's moving parts, wired once at start-up: the topic feed into the {@link ConsoleState}, the lag probe on a
 * schedule, the Alertmanager notifier where one is configured, and the simulation's reference file (re-read when it
 * changes). The HTTP side reads {@link #dashboard()}.
 */
@Context
public class ConsoleRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRuntime.class);

    private final ConsoleConfig config;
    private final ConsoleState state;
    private final TopicFeed feed;
    private final GroupLag lag;
    private final AlertmanagerNotifier notifier;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-schedule");
        t.setDaemon(true);
        return t;
    });
    private final Path referencesFile;
    private volatile References references = References.NONE;
    private volatile long referencesModified = -1;

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
            schedule.scheduleWithFixedDelay(this::notifyAlertmanager, config.pushIntervalMs(), Math.max(5000, config.pushIntervalMs()),
                    TimeUnit.MILLISECONDS);
        }
        LOG.info("console of task {} reading {} and {}", config.taskId(), TopicFeed.TOPICS, TopicFeed.DEAD_LETTER_TOPICS);
    }

    public ConsoleConfig config() {
        return config;
    }

    /** A change counter: the view differs when it grows (or the reference file changed). */
    public long version() {
        refreshReferences();
        return state.version() + Math.max(0, referencesModified);
    }

    public Dashboard dashboard() {
        refreshReferences();
        return state.dashboard(references);
    }

    public boolean feedRunning() {
        return feed.isRunning();
    }

    private void refreshReferences() {
        if (referencesFile == null) {
            return;
        }
        try {
            long modified = Files.isRegularFile(referencesFile) ? Files.getLastModifiedTime(referencesFile).toMillis() : -1;
            if (modified != referencesModified) {
                references = References.read(referencesFile);
                referencesModified = modified;
            }
        } catch (java.io.IOException e) {
            // read again on the next view
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
