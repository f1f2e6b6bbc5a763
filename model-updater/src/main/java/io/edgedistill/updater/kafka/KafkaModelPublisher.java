package io.edgedistill.updater.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.edgedistill.schemas.serde.Priming;
import io.edgedistill.updater.service.ModelPublisher;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes model updates to {@code models.updates}, idempotent, acks=all, and waits; key = the model id, or
 * {@code <modelId>#canary} for an update with an audience ({@link Topics#modelUpdateKey}).
 */
public final class KafkaModelPublisher implements ModelPublisher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaModelPublisher.class);
    private final KafkaProducer<String, ModelUpdate> producer;
    private final org.apache.kafka.common.serialization.Serializer<ModelUpdate> serializer;

    /**
     * A publisher on the service's Kafka client settings: a reliable (idempotent, acks=all) producer of
     * registry-encoded model updates.
     */
    public KafkaModelPublisher(KafkaClientSettings client, String clientId) {
        Map<String, Object> cfg = client.reliableAvroProducer(clientId);
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.serializer = AvroSerdes.serializer(client.registry(), false);
        this.producer = new KafkaProducer<>(cfg, new StringSerializer(), serializer);
    }

    /** Looks up the model-update schema and the topic's metadata ahead of the first publication. */
    public void prime() {
        Priming.prime(producer, serializer, Topics.MODEL_UPDATES);
    }

    @Override
    public void publish(ModelUpdate update) {
        try {
            RecordMetadata md = producer.send(new ProducerRecord<>(Topics.MODEL_UPDATES,
                    Topics.modelUpdateKey(update.getModelId(), !update.getAudience().isEmpty()), update))
                    .get(60, TimeUnit.SECONDS);
            LOG.debug("Model update {} v{} at {}-{}@{}", update.getModelId(), update.getVersion(), md.topic(),
                    md.partition(), md.offset());
        } catch (ExecutionException e) {
            throw new KafkaException("publishing " + update.getModelId() + " v" + update.getVersion() + " failed",
                    e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("timed out publishing " + update.getModelId(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted publishing a model update", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
