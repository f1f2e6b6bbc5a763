package io.edgedistill.processor.rounds;

import java.nio.charset.StandardCharsets;

import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.topology.DeadLetteringDecoder;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.dlq.ContractChecks;
import io.edgedistill.schemas.dlq.DeadLetterSink;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Global processor of {@code distill.rounds}: keeps the latest valid round spec per task (raw bytes, key = task
 * id) in the global rounds store. A record that does not decode, fails the structural checks, whose key is
 * not its task id or whose round id does not move forward (a duplicate or replayed round) never enters the store (the current round stays) and goes to {@code distill.rounds.dlq}
 * through a plain producer (a global processor has no stream-task producer). Global stores are rebuilt from
 * the topic at every start, so a record may be dead-lettered again after a restart: dead letters carry the
 * source topic/partition/offset to de-duplicate.
 */
public final class RoundsGlobalProcessor implements Processor<byte[], byte[], Void, Void> {
    private final DeadLetteringDecoder<RoundSpec> decoder;
    private final DeadLetterSink deadLetters;
    private final ProcessorMetrics metrics;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;

    public RoundsGlobalProcessor(Deserializer<RoundSpec> deserializer, DeadLetterSink deadLetters, ProcessorMetrics metrics) {
        this.decoder = new DeadLetteringDecoder<>(deserializer, ContractChecks.ROUND,
                ProcessorTopology.SERVICE + "/rounds", ProcessorTopology.MAX_GLOBAL_VALUE_BYTES);
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(ProcessorTopology.ROUNDS_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                store.delete(new String(record.key(), StandardCharsets.UTF_8)); // tombstone: the task was retired
            }
            return;
        }
        DeadLetteringDecoder.Decoded<RoundSpec> r = decoder.decode(context, record);
        if (r.deadLetter() != null) {
            metrics.roundsDeadLettered.increment();
            deadLetters.send(r.deadLetter());
            return;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (!r.value().getTaskId().equals(key)) {
            metrics.roundsDeadLettered.increment();
            deadLetters.send(decoder.refuse(context, record, "round of task '" + r.value().getTaskId()
                    + "' under key '" + key + "' (the key must be the task id)"));
            return;
        }
        byte[] current = store.get(key);
        if (current != null) {
            long currentId = decoder.decodeTrusted(current).getRoundId();
            if (r.value().getRoundId() <= currentId) {
                // rounds of a task only move forward in the log: this one is duplicated or replayed
                metrics.roundsDeadLettered.increment();
                deadLetters.send(decoder.refuse(context, record, "round " + r.value().getRoundId() + " of task '" + key
                        + "' is not newer than its current round " + currentId + " (duplicate or out of order)"));
                return;
            }
        }
        store.put(key, record.value());
    }
}
