package io.edgedistill.schemas.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.dlq.DeadLetters;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Every value schema the platform writes, by topic: each contract topic's record type and the dead-letter envelope
 * on each contract topic's {@code .dlq}. On a secured registry only the operator may register schemas, so the
 * operator registers these (the secured local stack at its start, {@code edgedistill provision --registry-url} in
 * production) and every service writes with read access alone, finding its schema by content.
 */
public final class SchemaCatalog {

    private SchemaCatalog() {
    }

    /** A record of each topic's value type (the registry needs the schema; the serializer takes it from a record). */
    public static Map<String, SpecificRecord> samples() {
        Map<String, SpecificRecord> m = new LinkedHashMap<>(ContractSamples.all(0));
        for (String topic : List.copyOf(m.keySet())) {
            String dlq = Topics.deadLetterTopic(topic);
            m.put(dlq, DeadLetters.envelope(new ConsumerRecord<>(topic, 0, 0L, null, new byte[0]), "", "", "schema-catalog", 0));
        }
        return m;
    }

    /**
     * Registers (or finds, when already there) the current schema of every topic under {@code <topic>-value} as
     * {@code registry}'s principal, which must be allowed to register. Returns the subjects.
     *
     * @throws IllegalStateException naming the subject the registry refused, and why
     */
    @SuppressWarnings("unchecked")
    public static List<String> register(RegistryAccess registry) {
        Map<String, String> settings = new HashMap<>(registry.settings());
        settings.put(AvroSerdes.AUTO_REGISTER, "true");
        List<String> subjects = new ArrayList<>();
        for (Map.Entry<String, SpecificRecord> e : samples().entrySet()) {
            // one serializer per subject: a serializer caches schemas by content, and the dead-letter topics share one
            try (Serializer<SpecificRecord> serializer = AvroSerdes.serializer(new RegistryAccess(registry.url(), settings), false)) {
                serializer.serialize(e.getKey(), e.getValue());
            } catch (RuntimeException ex) {
                throw new IllegalStateException("the registry " + registry + " did not register " + e.getKey() + "-value: "
                        + DeadLetters.describe(ex), ex);
            }
            subjects.add(e.getKey() + "-value");
        }
        return subjects;
    }
}
