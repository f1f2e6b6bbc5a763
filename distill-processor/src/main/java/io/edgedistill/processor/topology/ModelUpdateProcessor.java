package io.edgedistill.processor.topology;

import io.edgedistill.processor.service.LiveModels;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.dlq.DeadLetters;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Global processor of {@code models.updates}: decodes each update, verifies it (SHA-256 of the weights,
 * model format, preprocessing spec, classes) through {@link LiveModels}, and keeps the verified raw record
 * of the highest version per model id in the global models store. Undecodable or tampered updates are
 * refused and reported (log, {@code models.rejected} counter, {@code /models}); they never replace the live
 * model. (A global processor cannot write to a topic, so there is no dead letter here.)
 */
final class ModelUpdateProcessor implements Processor<String, byte[], Void, Void> {
    private final Deserializer<ModelUpdate> deserializer;
    private final LiveModels models;
    private KeyValueStore<String, byte[]> store;

    ModelUpdateProcessor(Deserializer<ModelUpdate> deserializer, LiveModels models) {
        this.deserializer = deserializer;
        this.models = models;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(ProcessorTopology.MODELS_STORE);
        // after a restart the store may have been restored without this processor: load what it holds
        try (var it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                ModelUpdate u = decode(kv.key, kv.value);
                if (u != null) {
                    models.offer(u);
                }
            }
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return; // tombstone: the live model stays until a newer version arrives
        }
        ModelUpdate u = decode(record.key(), record.value());
        if (u == null) {
            return;
        }
        if (models.offer(u).isPresent()) {
            store.put(u.getModelId(), record.value());
        }
    }

    private ModelUpdate decode(String key, byte[] value) {
        try {
            return deserializer.deserialize(ProcessorTopology.MODELS_TOPIC, value);
        } catch (RuntimeException e) {
            models.reject(key == null ? "?" : key, -1, "undecodable model update: " + DeadLetters.describe(e));
            return null;
        }
    }
}
