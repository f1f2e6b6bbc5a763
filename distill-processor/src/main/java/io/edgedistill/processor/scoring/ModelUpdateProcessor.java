package io.edgedistill.processor.scoring;

import java.nio.charset.StandardCharsets;

import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.topology.DeadLetteringDecoder;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.dlq.ContractChecks;
import io.edgedistill.schemas.dlq.DeadLetterSink;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Global processor of {@code models.updates}: decodes each update, verifies it through {@link LiveModels}
 * (signature by a trusted key when keys are configured, SHA-256 of the weights, model format, preprocessing
 * spec, classes), and keeps the verified raw record of the highest version per model id in the global models
 * store. Undecodable and refused (tampered, unsigned, incompatible) updates never replace the live model;
 * they are reported (log, {@code models.rejected} counter, {@code /models}) and sent to
 * {@code models.updates.dlq} through a plain producer. As for rounds, a restart may dead-letter a record again. An
 * update for some edges only (a canary, with an audience) is not the fleet's model and is passed over.
 */
public final class ModelUpdateProcessor implements Processor<byte[], byte[], Void, Void> {
    private final DeadLetteringDecoder<ModelUpdate> decoder;
    private final LiveModels models;
    private final DeadLetterSink deadLetters;
    private final ProcessorMetrics metrics;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;

    public ModelUpdateProcessor(Deserializer<ModelUpdate> deserializer, LiveModels models, DeadLetterSink deadLetters,
                         ProcessorMetrics metrics) {
        this.decoder = new DeadLetteringDecoder<>(deserializer, ContractChecks.MODEL_UPDATE,
                ProcessorTopology.SERVICE + "/models", ProcessorTopology.MAX_GLOBAL_VALUE_BYTES);
        this.models = models;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(ProcessorTopology.MODELS_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            return; // tombstone: the live model stays until a newer version arrives
        }
        DeadLetteringDecoder.Decoded<ModelUpdate> r = decoder.decode(context, record);
        if (r.deadLetter() != null) {
            String key = record.key() == null ? "?" : new String(record.key(), StandardCharsets.UTF_8);
            models.reject(key, -1, "undecodable or malformed model update: " + r.deadLetter().getErrorMessage());
            deadLetter(r.deadLetter());
            return;
        }
        ModelUpdate u = r.value();
        if (!u.getAudience().isEmpty()) {
            return; // for some edges only (a canary): the processor scores with the fleet's model
        }
        try {
            if (models.tryOffer(u).isPresent()) {
                store.put(u.getModelId(), record.value());
            } else {
                // the log holds each model id's versions in increasing order: an older or equal version after a
                // newer one is a replay or a downgrade
                long live = models.get(u.getModelId()).map(LiveModel::version).orElse(0L);
                models.reject(u.getModelId(), u.getVersion(), "REPLAY_OR_DOWNGRADE");
                deadLetter(decoder.refuse(context, record, "REPLAY_OR_DOWNGRADE: " + u.getModelId() + " v" + u.getVersion()
                        + " is not newer than the live v" + live));
            }
        } catch (LiveModel.Rejected e) {
            deadLetter(decoder.refuse(context, record, e.getMessage()));
        }
    }

    private void deadLetter(DeadLetter letter) {
        metrics.modelsDeadLettered.increment();
        deadLetters.send(letter);
    }
}
