package io.edgedistill.schemas.serde;

import java.util.Map;

import io.edgedistill.schemas.ContractSamples;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up priming of a service's producer: its registry serializer looks up (or registers) the schema of every
 * topic the service writes, and the producer fetches those topics' metadata, so that the first record of the first
 * round does not wait for registry and metadata round trips. Never fails a start-up: problems are logged and the
 * first real record pays as before.
 */
public final class Priming {
    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

    private Priming() {
    }

    /** Serializes a sample of each topic's contract with {@code serializer} and asks {@code producer} for the topic. */
    @SuppressWarnings("unchecked")
    public static void prime(Producer<?, ?> producer, Serializer<?> serializer, String... topics) {
        long t0 = System.nanoTime();
        Map<String, SpecificRecord> samples = ContractSamples.all(0);
        for (String topic : topics) {
            try {
                SpecificRecord sample = samples.get(topic);
                if (sample != null && serializer != null) {
                    ((Serializer<Object>) serializer).serialize(topic, sample); // the sample is the topic's contract
                }
                if (producer != null) {
                    producer.partitionsFor(topic);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not prime {} (the first record will look its schema and metadata up): {}", topic, e.toString());
            }
        }
        LOG.info("primed {} in {} ms", String.join(", ", topics), (System.nanoTime() - t0) / 1_000_000);
    }
}
