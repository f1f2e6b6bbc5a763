package io.edgedistill.processor.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.dlq.DeadLetters;
import io.edgedistill.schemas.dlq.RecordValidator;
import io.edgedistill.schemas.dlq.SafeDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decoding inside the topology with the project's {@link SafeDecoder}, for every stage that reads raw bytes
 * (rounds, model updates, contributions, traffic): a record either decodes and passes the stage's validator, or
 * the stage gets the dead letter that says why. The dead letter is captured and returned instead of sent, so a
 * stream-task stage forwards it to its {@code .dlq} sink (written by the task's producer and covered by
 * exactly-once like every other output); a global processor, which has no task producer, hands it to its
 * {@code DeadLetterSink}. Not thread-safe: one per processor instance.
 */
public final class DeadLetteringDecoder<T> {
    private final List<DeadLetter> captured = new ArrayList<>(1);
    private final SafeDecoder<T> decoder;
    private final String service;
    private final Deserializer<T> deserializer;

    public DeadLetteringDecoder(Deserializer<T> deserializer, RecordValidator<T> validator, String service,
                                int maxValueBytes) {
        this.service = service;
        this.deserializer = deserializer;
        this.decoder = new SafeDecoder<>(deserializer, validator, captured::add, service, maxValueBytes);
    }

    /** Either the decoded valid value or the dead letter. */
    public record Decoded<T>(T value, DeadLetter deadLetter) {
    }

    /** Decodes a value this processor stored after validating it (no checks, throws if it does not decode). */
    public T decodeTrusted(byte[] value) {
        return deserializer.deserialize(null, value);
    }

    /** A dead letter for a record that decoded but is refused for a reason found after decoding. */
    public DeadLetter refuse(ProcessorContext<?, ?> context, Record<byte[], byte[]> record, String reason) {
        return refuse(context, record, SafeDecoder.INVALID, reason);
    }

    /** The same with its own error class. */
    public DeadLetter refuse(ProcessorContext<?, ?> context, Record<byte[], byte[]> record, String errorClass,
                             String reason) {
        return DeadLetters.envelope(consumerRecord(context, record), errorClass, reason, service,
                DeadLetters.DEFAULT_VALUE_LIMIT);
    }

    public Decoded<T> decode(ProcessorContext<?, ?> context, Record<byte[], byte[]> record) {
        captured.clear();
        Optional<T> value = decoder.decode(consumerRecord(context, record));
        if (value.isPresent()) {
            return new Decoded<>(value.get(), null);
        }
        return new Decoded<>(null, captured.isEmpty() ? null : captured.get(0));
    }

    private static ConsumerRecord<byte[], byte[]> consumerRecord(ProcessorContext<?, ?> context, Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("unknown");
        int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
        long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
        byte[] k = record.key();
        byte[] v = record.value();
        return new ConsumerRecord<>(topic, partition, offset, record.timestamp(),
                TimestampType.CREATE_TIME, k == null ? -1 : k.length, v == null ? -1 : v.length, k, v,
                record.headers(), Optional.empty());
    }
}
