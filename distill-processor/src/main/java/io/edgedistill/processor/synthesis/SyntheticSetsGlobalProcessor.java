package io.edgedistill.processor.synthesis;

import java.nio.charset.StandardCharsets;

import io.edgedistill.processor.topology.DeadLetteringDecoder;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.dlq.ContractChecks;
import io.edgedistill.schemas.dlq.DeadLetterSink;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Global processor of {@code distill.synthetic-sets}: every processor instance follows the sets every instance
 * publishes ({@link SyntheticSetState}), so that the one that aggregates a task after a fail-over or a rebalance
 * numbers its next set above all of them, and warm-starts from the newest. Global stores are rebuilt from the topic at
 * every start, which also resumes a restarted processor. A record that does not decode or fails the structural checks
 * goes to {@code distill.synthetic-sets.dlq} and is not resumed from.
 */
public final class SyntheticSetsGlobalProcessor implements Processor<byte[], byte[], Void, Void> {
    private final DeadLetteringDecoder<SyntheticSet> decoder;
    private final SyntheticSetState sets;
    private final DeadLetterSink deadLetters;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;

    public SyntheticSetsGlobalProcessor(Deserializer<SyntheticSet> deserializer, SyntheticSetState sets,
                                        DeadLetterSink deadLetters) {
        this.decoder = new DeadLetteringDecoder<>(deserializer, ContractChecks.SYNTHETIC_SET,
                ProcessorTopology.SERVICE + "/sets", ProcessorTopology.MAX_GLOBAL_VALUE_BYTES);
        this.sets = sets;
        this.deadLetters = deadLetters;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(ProcessorTopology.SETS_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        DeadLetteringDecoder.Decoded<SyntheticSet> r = decoder.decode(context, record);
        if (r.deadLetter() != null) {
            deadLetters.send(r.deadLetter());
            return;
        }
        sets.update(r.value());
        // only the newest set's version per task is kept (the state holds the set itself)
        store.put(record.key() == null ? r.value().getTaskId() : new String(record.key(), StandardCharsets.UTF_8),
                Long.toString(r.value().getVersion()).getBytes(StandardCharsets.UTF_8));
    }
}
