package io.edgedistill.schemas.serde;

import java.nio.ByteBuffer;
import java.util.OptionalInt;

/** The Confluent wire format: byte 0 = magic 0, bytes 1..4 = big-endian schema id, then the Avro body. */
public final class WireFormat {
    public static final byte MAGIC = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The schema id of a framed payload, or empty if the payload is not in the wire format. */
    public static OptionalInt schemaId(byte[] payload) {
        if (payload == null || payload.length < HEADER_SIZE || payload[0] != MAGIC) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(ByteBuffer.wrap(payload, 1, 4).getInt());
    }
}
