package io.edgedistill.processor.rounds;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.runtime.KafkaPublisher;
import io.edgedistill.processor.runtime.TopicReader;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.dlq.ContractChecks;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the configured task's round specs on {@code distill.rounds}: on start it reads the topic to learn
 * the current round (opening round 1 when there is none and {@code processor.rounds.open-on-start} is set); a
 * new round opens on request (POST /rounds) or every {@code processor.rounds.interval-ms}.
 */
public final class RoundService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoundService.class);

    private final ProcessorConfig.Rounds config;
    private final KafkaClientSettings client;
    private final RoundFactory factory;
    private final KafkaPublisher publisher;
    private final Deserializer<RoundSpec> deserializer;
    private final ProcessorMetrics metrics;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "round-timer");
        t.setDaemon(true);
        return t;
    });
    private RoundSpec current;

    public RoundService(ProcessorConfig.Rounds config, KafkaClientSettings client, RoundFactory factory, KafkaPublisher publisher,
                        Deserializer<RoundSpec> deserializer, ProcessorMetrics metrics) {
        this.config = config;
        this.client = client;
        this.factory = factory;
        this.publisher = publisher;
        this.deserializer = deserializer;
        this.metrics = metrics;
    }

    public void start() throws Exception {
        // fit the feature spec now (it reads or generates the configured data set): a bad data set fails the
        // start-up, and the first round opened on request does not wait for it
        factory.featureSpec();
        refreshFromTopic();
        if (current == null && config.openOnStart()) {
            openNext();
        } else if (current != null) {
            LOG.info("task {}: current round is {}", config.taskId(), current.getRoundId());
        }
        if (config.intervalMs() > 0) {
            timer.scheduleAtFixedRate(() -> {
                try {
                    openNext();
                } catch (Exception e) {
                    LOG.error("could not open a new round", e);
                }
            }, config.intervalMs(), config.intervalMs(), TimeUnit.MILLISECONDS);
        }
    }

    public synchronized Optional<RoundSpec> current() {
        return Optional.ofNullable(current);
    }

    /**
     * The task's newest valid round on {@code distill.rounds}, whoever opened it: with several processor instances,
     * another may have opened rounds since this one last looked.
     */
    private void refreshFromTopic() throws Exception {
        List<RoundSpec> all = TopicReader.readAll(client, Topics.ROUNDS, deserializer, Duration.ofSeconds(30));
        synchronized (this) {
            for (RoundSpec r : all) {
                if (r.getTaskId().equals(config.taskId()) && ContractChecks.ROUND.violations(r).isEmpty()
                        && (current == null || r.getRoundId() > current.getRoundId())) {
                    current = r;
                }
            }
        }
    }

    /** Opens and publishes the next round (durably) after the newest on the topic, and returns it. */
    public synchronized RoundSpec openNext() throws Exception {
        refreshFromTopic();
        long id = current == null ? 1 : current.getRoundId() + 1;
        RoundSpec spec = factory.round(id);
        publisher.send(Topics.ROUNDS, spec.getTaskId(), spec);
        current = spec;
        metrics.roundsPublished.increment();
        LOG.info("task {}: opened round {} (seed {}, K={}, d_in={}, {} classes)", spec.getTaskId(), id, spec.getSeed(),
                spec.getNetwork().getCount(), spec.getNetwork().getInputDim(), spec.getClasses().size());
        return spec;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
