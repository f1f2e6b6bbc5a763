package io.edgedistill.schemas.dlq;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes dead letters to {@code <source topic>.dlq}, keyed by the original key, with an idempotent
 * acks=all producer, and waits for the acknowledgement so a refused record is never lost.
 */
public final class KafkaDeadLetterSink implements DeadLetterSink, AutoCloseable {

    private final KafkaProducer<byte[], DeadLetter> producer;
    private final Duration timeout;

    public KafkaDeadLetterSink(String bootstrapServers, String registryUrl, Map<String, Object> extra) {
        this(KafkaClientSettings.of(bootstrapServers, registryUrl), extra);
    }

    /** A sink that connects with the service's client security (its principal must be allowed to write the DLQs). */
    public KafkaDeadLetterSink(String bootstrapServers, String registryUrl, KafkaClientSecurity security, Map<String, Object> extra) {
        this(new KafkaClientSettings(bootstrapServers, registryUrl, security), extra);
    }

    /** A sink on the service's Kafka client settings; {@code extra} overrides producer settings (e.g. the client id). */
    public KafkaDeadLetterSink(KafkaClientSettings client, Map<String, Object> extra) {
        Map<String, Object> cfg = client.reliableAvroProducer("dlq-sink");
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.putAll(extra);
        this.producer = new KafkaProducer<>(cfg);
        this.timeout = Duration.ofSeconds(30);
    }

    @Override
    public void send(DeadLetter letter) {
        String topic = Topics.deadLetterTopic(letter.getSourceTopic());
        byte[] key = letter.getKey() == null ? null : bytes(letter.getKey());
        try {
            producer.send(new ProducerRecord<>(topic, key, letter)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("Dead letter for " + letter.getSourceTopic() + "@" + letter.getSourceOffset()
                    + " could not be written to " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Timed out writing a dead letter to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted writing a dead letter", e);
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        java.nio.ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
