package io.edgedistill.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A registry-free Avro serde for one generated {@link SpecificRecord} type, for unit tests
 * (TopologyTestDriver) and benchmarks where no registry runs. It writes the same Confluent wire format as
 * {@link AvroSerdes} (magic byte {@code 0}, a 4-byte schema id, the Avro binary body) with a fixed,
 * caller-chosen schema id, and reads only payloads framed that way; the reader schema is the record's own
 * schema (no evolution). Not for production traffic: ids are not registered anywhere.
 */
public final class PlainAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final Schema schema;
    private final int schemaId;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    private PlainAvroSerde(Class<T> type, int schemaId) {
        this.schema = SpecificData.get().getSchema(type);
        this.schemaId = schemaId;
        this.writer = new SpecificDatumWriter<>(schema);
        this.reader = new SpecificDatumReader<>(schema);
    }

    /** A serde for {@code type} that stamps every payload with {@code schemaId}. */
    public static <T extends SpecificRecord> PlainAvroSerde<T> of(Class<T> type, int schemaId) {
        return new PlainAvroSerde<>(type, schemaId);
    }

    /** A serde for {@code type} with a schema id derived from the schema's full name. */
    public static <T extends SpecificRecord> PlainAvroSerde<T> of(Class<T> type) {
        return new PlainAvroSerde<>(type, Math.abs(SpecificData.get().getSchema(type).getFullName().hashCode() % 100_000) + 1);
    }

    public int schemaId() {
        return schemaId;
    }

    /** Encodes a record in the wire format. */
    public byte[] encode(T value) {
        if (value == null) {
            return null;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(WireFormat.MAGIC);
            out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(value, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a wire-format payload; throws {@link SerializationException} on anything else. */
    public T decode(byte[] payload) {
        if (payload == null) {
            return null;
        }
        if (WireFormat.schemaId(payload).isEmpty()) {
            throw new SerializationException("not in the wire format");
        }
        int id = WireFormat.schemaId(payload).getAsInt();
        if (id != schemaId) {
            throw new SerializationException("unknown schema id " + id + " (this serde reads " + schemaId + ")");
        }
        try {
            BinaryDecoder dec = DecoderFactory.get().binaryDecoder(payload, WireFormat.HEADER_SIZE,
                    payload.length - WireFormat.HEADER_SIZE, null);
            T value = reader.read(null, dec);
            if (!dec.isEnd()) {
                throw new SerializationException("trailing bytes after the Avro body");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("corrupt Avro body: " + e, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> encode(data);
    }

    @Override
    public Deserializer<T> deserializer() {
        return new PlainDeserializer();
    }

    /** Decodes with this serde and tells readers its one writer schema ({@link WriterSchemas}). */
    private final class PlainDeserializer implements Deserializer<T>, WriterSchemas {
        @Override
        public T deserialize(String topic, byte[] data) {
            return decode(data);
        }

        @Override
        public java.util.Optional<Schema> byId(int id) {
            return id == schemaId ? java.util.Optional.of(schema) : java.util.Optional.empty();
        }
    }
}
