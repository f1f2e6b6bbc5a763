package io.edgedistill.schemas.dlq;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.apicurio.registry.rest.client.models.ProblemDetails;
import io.edgedistill.schemas.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Builds {@link DeadLetter} envelopes: the original record byte for byte (bounded) plus the reason. */
public final class DeadLetters {

    /** Values larger than this are kept as a prefix, with {@code valueTruncated = true}. */
    public static final int DEFAULT_VALUE_LIMIT = 1 << 20;

    private DeadLetters() {
    }

    public static DeadLetter envelope(ConsumerRecord<byte[], byte[]> record, String errorClass, String errorMessage,
                                      String service, int valueLimit) {
        byte[] value = record.value();
        boolean truncated = value != null && value.length > valueLimit;
        Map<String, ByteBuffer> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), ByteBuffer.wrap(h.value() == null ? new byte[0] : h.value()));
        }
        return DeadLetter.newBuilder()
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setSourceTimestamp(record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null)
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(value == null ? null : ByteBuffer.wrap(truncated ? Arrays.copyOf(value, valueLimit) : value))
                .setValueTruncated(truncated)
                .setOriginalValueSize(value == null ? -1 : value.length)
                .setHeaders(headers)
                .setErrorClass(errorClass)
                .setErrorMessage(errorMessage == null ? "" : errorMessage)
                .setService(service)
                .setFailedAt(Instant.now())
                .build();
    }

    public static DeadLetter envelope(ConsumerRecord<byte[], byte[]> record, Throwable error, String service) {
        return envelope(record, error.getClass().getName(), describe(error), service, DEFAULT_VALUE_LIMIT);
    }

    /** A readable one-line account of an exception and its causes, including registry problem details. */
    public static String describe(Throwable error) {
        StringBuilder message = new StringBuilder();
        Throwable t = error;
        int depth = 0;
        while (t != null && depth++ < 6) {
            if (message.length() > 0) {
                message.append(" <- ");
            }
            message.append(t.getClass().getSimpleName());
            if (t instanceof ProblemDetails pd) {
                message.append(" (registry: HTTP ").append(pd.getStatus()).append(' ').append(pd.getTitle())
                        .append(pd.getDetail() == null ? "" : ": " + pd.getDetail()).append(')');
            } else if (t.getMessage() != null) {
                message.append(": ").append(t.getMessage());
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return message.toString();
    }
}
