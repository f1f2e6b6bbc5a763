package io.edgedistill.processor.runtime;

import java.util.Properties;

import io.edgedistill.processor.synthesis.SyntheticSetSink;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.Priming;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes synthetic-set versions to the compacted {@code distill.synthetic-sets} (key = task id) with an
 * idempotent producer, acks=all, and waits for the acknowledgement. Also used for round specs
 * ({@link #send(String, String, Object)}).
 */
public final class KafkaPublisher implements SyntheticSetSink, AutoCloseable {
    private final KafkaProducer<String, Object> producer;
    private final Serializer<Object> serializer;

    @SuppressWarnings("unchecked")
    public KafkaPublisher(KafkaClientSettings client, Serializer<?> valueSerializer) {
        Properties p = new Properties();
        p.putAll(client.common());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "distill-processor-publisher");
        serializer = (Serializer<Object>) valueSerializer;
        producer = new KafkaProducer<>(p, new StringSerializer(), serializer);
    }

    /** Looks up the schemas and metadata of what this publisher writes (rounds, synthetic sets) ahead of the first round. */
    public void prime() {
        Priming.prime(producer, serializer, Topics.ROUNDS, Topics.SYNTHETIC_SETS);
    }

    @Override
    public void publish(SyntheticSet set) throws Exception {
        send(Topics.SYNTHETIC_SETS, set.getTaskId(), set);
    }

    public void send(String topic, String key, Object value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
