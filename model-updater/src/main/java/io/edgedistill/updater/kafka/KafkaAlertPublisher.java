package io.edgedistill.updater.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.updater.service.AlertPublisher;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes the updater's alerts to {@code alerts.attacks} (key = the edges concerned), idempotent, acks=all. */
public final class KafkaAlertPublisher implements AlertPublisher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertPublisher.class);
    private final KafkaProducer<String, AttackAlert> producer;

    public KafkaAlertPublisher(KafkaClientSettings client, String clientId) {
        Map<String, Object> cfg = client.reliableAvroProducer(clientId);
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(cfg);
    }

    /** Best effort: an alert that cannot be written is logged (the decision it reports is in the history). */
    @Override
    public void publish(AttackAlert alert) {
        try {
            producer.send(new ProducerRecord<>(Topics.ALERTS, alert.getEdgeId(), alert)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.error("alert {} not written to {}: {}", alert.getAlertId(), Topics.ALERTS, e.toString());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
