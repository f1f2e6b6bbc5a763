package io.edgedistill.edge.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.edgedistill.schemas.serde.Priming;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's control messages on Kafka: summaries, knowledge, alerts and status through one idempotent {@code acks=all}
 * producer, keyed by the edge id. Summaries and knowledge wait for the acknowledgement, so that a round counts as
 * answered only once the processor can read its summary; alerts are fire-and-forget (a late alert is worth less than
 * not blocking scoring), and so is the status (the next one replaces it). With the edge's key pair every value is signed ({@link SigningSerializer}).
 *
 * <p>Built before the producer exists (the {@link EdgeNode} needs its output at construction) and opened by
 * {@link EdgeRuntime#start()}.
 */
final class ControlChannel implements EdgeOutput {
    private static final Logger LOG = LoggerFactory.getLogger(ControlChannel.class);

    private final String edgeId;
    private volatile KafkaProducer<String, SpecificRecord> producer;
    private Serializer<SpecificRecord> values;

    ControlChannel(String edgeId) {
        this.edgeId = edgeId;
    }

    /** Creates the producer. */
    void open(EdgeRuntime.Settings settings) {
        Map<String, Object> cfg = producerConfig(settings.kafka(), edgeId);
        Serializer<SpecificRecord> avro = AvroSerdes.serializer(settings.kafka().registry(), false);
        // with a key pair, summaries, knowledge and alerts carry the edge's signature
        values = settings.signing() == null ? avro
                : new SigningSerializer<>(avro, settings.signing().getPrivate(),
                        Ed25519Keys.keyId(settings.signing().getPublic()));
        producer = new KafkaProducer<>(cfg, new StringSerializer(), values);
    }

    /** The control producer: the shared reliable Avro producer, with an hour to deliver and a 5 ms linger. */
    static Map<String, Object> producerConfig(KafkaClientSettings kafka, String edgeId) {
        Map<String, Object> cfg = kafka.reliableAvroProducer("edge-control-" + edgeId);
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofHours(1).toMillis());
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return cfg;
    }

    /** Fetches metadata and schema ids of the control topics ahead of the first round, which should not wait for them. */
    void prime() {
        Priming.prime(producer, values, Topics.SUMMARIES, Topics.KNOWLEDGE, Topics.ALERTS, Topics.STATUS);
    }

    @Override
    public void summary(EdgeSummary s) {
        sendAndWait(Topics.SUMMARIES, s);
    }

    @Override
    public void knowledge(EdgeKnowledge k) {
        sendAndWait(Topics.KNOWLEDGE, k);
    }

    @Override
    public void alert(AttackAlert a) {
        producer.send(new ProducerRecord<>(Topics.ALERTS, edgeId, a), (md, e) -> {
            if (e != null) {
                LOG.warn("[{}] alert not delivered: {}", edgeId, e.toString());
            }
        });
    }

    /** Fire-and-forget, like alerts: the next status replaces a lost one. */
    @Override
    public void status(EdgeStatus s) {
        producer.send(new ProducerRecord<>(Topics.STATUS, edgeId, s), (md, e) -> {
            if (e != null) {
                LOG.debug("[{}] status not delivered: {}", edgeId, e.toString());
            }
        });
    }

    private void sendAndWait(String topic, SpecificRecord value) {
        try {
            producer.send(new ProducerRecord<>(topic, edgeId, value)).get(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted", e);
        } catch (Exception e) {
            throw new KafkaException("cannot send to " + topic + ": " + e.getMessage(), e);
        }
    }

    void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
