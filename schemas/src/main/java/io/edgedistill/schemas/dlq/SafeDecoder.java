package io.edgedistill.schemas.dlq;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.edgedistill.schemas.serde.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes raw consumer records and routes everything that cannot be used to the dead-letter sink with the
 * reason: oversized values, values not in the wire format, undecodable Avro (unknown schema id, corrupt
 * body) and records that fail semantic validation. Nothing is dropped silently and nothing throws to the
 * caller, so one bad record cannot stop a service.
 */
public final class SafeDecoder<T> {

    public static final String OVERSIZED = "Oversized";
    public static final String NOT_WIRE_FORMAT = "NotWireFormat";
    public static final String INVALID = "InvalidRecord";
    public static final String NULL_VALUE = "NullValue";

    private final Deserializer<T> deserializer;
    private final RecordValidator<T> validator;
    private final DeadLetterSink sink;
    private final String service;
    private final int maxValueBytes;
    private final AtomicLong decoded = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();

    public SafeDecoder(Deserializer<T> deserializer, RecordValidator<T> validator, DeadLetterSink sink, String service,
                       int maxValueBytes) {
        this.deserializer = deserializer;
        this.validator = validator;
        this.sink = sink;
        this.service = service;
        this.maxValueBytes = maxValueBytes;
    }

    /** The decoded, valid value; or empty after the record was sent to the dead-letter sink. */
    public Optional<T> decode(ConsumerRecord<byte[], byte[]> record) {
        byte[] value = record.value();
        if (value == null) {
            return refuse(record, NULL_VALUE, "record has no value (tombstone) where a value is required");
        }
        if (value.length > maxValueBytes) {
            return refuse(record, OVERSIZED, "value of " + value.length + " bytes exceeds the limit of " + maxValueBytes);
        }
        if (WireFormat.schemaId(value).isEmpty()) {
            return refuse(record, NOT_WIRE_FORMAT, "value is not in the Confluent wire format (magic byte "
                    + (value.length == 0 ? "missing" : String.format("0x%02x", value[0])) + ", " + value.length + " bytes)");
        }
        T decodedValue;
        try {
            decodedValue = deserializer.deserialize(record.topic(), record.headers(), value);
        } catch (RuntimeException e) {
            return refuse(record, e.getClass().getName(), "cannot decode the value with schema id "
                    + WireFormat.schemaId(value).getAsInt() + ": " + DeadLetters.describe(e));
        }
        if (decodedValue == null) {
            return refuse(record, NULL_VALUE, "value decoded to null");
        }
        List<String> violations;
        try {
            violations = validator.violations(decodedValue);
        } catch (RuntimeException e) {
            violations = List.of("validator failed: " + e);
        }
        if (!violations.isEmpty()) {
            return refuse(record, INVALID, String.join("; ", violations));
        }
        decoded.incrementAndGet();
        return Optional.of(decodedValue);
    }

    /**
     * Sends a record that decoded but was refused afterwards (e.g. a model update failing verification) to the
     * dead-letter sink with {@code errorClass} and the reason.
     */
    public void reject(ConsumerRecord<byte[], byte[]> record, String errorClass, String message) {
        refuse(record, errorClass, message);
    }

    public long decodedCount() {
        return decoded.get();
    }

    public long deadLetterCount() {
        return deadLettered.get();
    }

    private Optional<T> refuse(ConsumerRecord<byte[], byte[]> record, String errorClass, String message) {
        deadLettered.incrementAndGet();
        sink.send(DeadLetters.envelope(record, errorClass, message, service, DeadLetters.DEFAULT_VALUE_LIMIT));
        return Optional.empty();
    }
}
