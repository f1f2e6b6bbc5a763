package io.edgedistill.processor.runtime;

import java.time.Duration;
import java.util.Optional;

import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.client.KafkaClientSettings;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Owns the KafkaStreams instance: start, interactive queries, close. */
public final class StreamsRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);
    private final KafkaStreams streams;

    public StreamsRunner(ProcessorConfig config, KafkaClientSettings client, ProcessorTopology.TopicSerdes serdes,
                         ProcessorTopology.Services services) {
        this.streams = new KafkaStreams(ProcessorTopology.build(config, serdes, services),
                ProcessorTopology.streamsConfig(config.streams(), client));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((n, o) -> LOG.info("kafka streams {} -> {}", o, n));
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** A read-only view of a key-value store, when the instance is running. */
    public <K, V> Optional<ReadOnlyKeyValueStore<K, V>> store(String name) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Optional.empty();
        }
        try {
            return Optional.of(streams.store(StoreQueryParameters.fromNameAndType(name,
                    QueryableStoreTypes.<K, V>keyValueStore())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
