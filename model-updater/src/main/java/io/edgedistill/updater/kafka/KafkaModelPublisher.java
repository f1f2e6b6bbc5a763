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
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes model updates to {@code models.updates}, acks=all, and waits; key = the model id, or
 * {@code <modelId>#canary} for an update with an audience ({@link Topics#modelUpdateKey}).
 *
 * <p>Only the active updater publishes: {@link #activate} creates a transactional producer under the group's one
 * transactional id, whose initialisation fences every earlier producer with that id, and each update is written in a
 * transaction of its own. An instance that lost the group without noticing (a long pause past the session timeout) and
 * resumes is refused by the broker at its next publication instead of publishing beside the new active instance.
 */
public final class KafkaModelPublisher implements ModelPublisher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaModelPublisher.class);
    private final Map<String, Object> config;
    private final org.apache.kafka.common.serialization.Serializer<ModelUpdate> serializer;
    /** Null while this instance is not the active updater. Guarded by this. */
    private KafkaProducer<String, ModelUpdate> producer;

    /**
     * A publisher on the service's Kafka client settings: a reliable (idempotent, acks=all) producer of
     * registry-encoded model updates under {@code transactionalId} (the same for every instance of one updater group).
     */
    public KafkaModelPublisher(KafkaClientSettings client, String clientId, String transactionalId) {
        Map<String, Object> cfg = client.reliableAvroProducer(clientId);
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        this.config = Map.copyOf(cfg);
        this.serializer = AvroSerdes.serializer(client.registry(), false);
    }

    /**
     * This instance became the active updater: a new transactional producer, initialised, which fences any earlier
     * producer of the group (and aborts a transaction it left open).
     */
    public synchronized void activate() {
        closeProducer();
        KafkaProducer<String, ModelUpdate> p = new KafkaProducer<>(new java.util.HashMap<>(config), new StringSerializer(),
                serializer);
        try {
            p.initTransactions();
        } catch (RuntimeException e) {
            p.close(Duration.ofSeconds(5));
            throw e;
        }
        producer = p;
        prime();
    }

    /** This instance is a standby: it holds no producer, so it cannot fence the active one. */
    public synchronized void deactivate() {
        closeProducer();
    }

    /** Whether this instance may publish (it is the active updater and was not fenced since). */
    public synchronized boolean active() {
        return producer != null;
    }

    /** Looks up the model-update schema and the topic's metadata ahead of the first publication (when active). */
    @Override
    public synchronized void prime() {
        if (producer != null) {
            Priming.prime(producer, serializer, Topics.MODEL_UPDATES);
        }
    }

    @Override
    public synchronized void publish(ModelUpdate update) {
        if (producer == null) {
            throw new KafkaException("not the active updater instance: " + update.getModelId() + " v"
                    + update.getVersion() + " is not published");
        }
        try {
            producer.beginTransaction();
            RecordMetadata md = producer.send(new ProducerRecord<>(Topics.MODEL_UPDATES,
                    Topics.modelUpdateKey(update.getModelId(), !update.getAudience().isEmpty()), update))
                    .get(60, TimeUnit.SECONDS);
            producer.commitTransaction();
            LOG.debug("Model update {} v{} at {}-{}@{}", update.getModelId(), update.getVersion(), md.topic(),
                    md.partition(), md.offset());
        } catch (ExecutionException e) {
            throw failed(update, e.getCause());
        } catch (TimeoutException e) {
            throw failed(update, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(update, e);
        } catch (KafkaException e) {
            throw failed(update, e);
        }
    }

    /** The publication failed: a fenced producer is dropped (another instance is active), any other aborts. */
    private KafkaException failed(ModelUpdate update, Throwable cause) {
        String what = update.getModelId() + " v" + update.getVersion();
        if (fenced(cause)) {
            dropFenced(what);
            return new KafkaException("fenced: another updater instance is active; " + what + " is not published", cause);
        }
        try {
            producer.abortTransaction();
        } catch (RuntimeException abort) {
            if (fenced(abort)) {
                dropFenced(what);
            } else {
                // the producer is unusable (e.g. a fatal error after a timeout): a new one, as the active instance still
                LOG.warn("aborting the transaction of {} failed: {}; the producer is renewed", what, abort.toString());
                try {
                    activate();
                } catch (RuntimeException again) {
                    LOG.warn("renewing the producer failed: {}", again.toString());
                    closeProducer();
                }
            }
        }
        return new KafkaException("publishing " + what + " failed", cause);
    }

    private static boolean fenced(Throwable e) {
        return e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException;
    }

    private void dropFenced(String what) {
        LOG.warn("Model update {} refused: another updater instance is active now (this one was fenced)", what);
        closeProducer();
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.debug("closing the producer failed", e);
            }
            producer = null;
        }
    }

    @Override
    public synchronized void close() {
        closeProducer();
    }
}
