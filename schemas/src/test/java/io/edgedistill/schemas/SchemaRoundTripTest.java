package io.edgedistill.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaRoundTripTest {

    static Stream<Arguments> samples() {
        return ContractSamples.all(42).entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyContractRoundTripsThroughAvroBinary(String topic, SpecificRecord value) throws IOException {
        byte[] bytes = encode(value);
        SpecificRecord back = decode(value.getSchema(), bytes);
        assertThat(back).isEqualTo(value);
        assertThat(bytes.length).isPositive();
    }

    @Test
    void deadLetterEnvelopeRoundTrips() throws IOException {
        DeadLetter letter = DeadLetter.newBuilder().setSourceTopic(Topics.SUMMARIES).setSourcePartition(2).setSourceOffset(17)
                .setValue(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).setOriginalValueSize(3)
                .setErrorClass("NotWireFormat").setErrorMessage("magic byte 0x01").setService("test")
                .setFailedAt(java.time.Instant.ofEpochMilli(1)).build();
        assertThat(decode(DeadLetter.getClassSchema(), encode(letter))).isEqualTo(letter);
    }

    @Test
    void oneSchemaFilePerTopicPlusTheDeadLetterEnvelope() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path p : avscFiles()) {
            names.add(new Schema.Parser().parse(p.toFile()).getFullName());
        }
        assertThat(names).containsExactlyInAnyOrder("io.edgedistill.schemas.RoundSpec", "io.edgedistill.schemas.EdgeSummary",
                "io.edgedistill.schemas.TrafficFlow", "io.edgedistill.schemas.EdgeKnowledge", "io.edgedistill.schemas.SyntheticSet",
                "io.edgedistill.schemas.ModelUpdate", "io.edgedistill.schemas.AttackAlert", "io.edgedistill.schemas.EdgeStatus",
                "io.edgedistill.schemas.KeyTrustList", "io.edgedistill.schemas.DeadLetter");
        assertThat(ContractSamples.all(1)).containsOnlyKeys(Topics.ROUNDS, Topics.SUMMARIES, Topics.TRAFFIC, Topics.KNOWLEDGE,
                Topics.SYNTHETIC_SETS, Topics.MODEL_UPDATES, Topics.ALERTS, Topics.STATUS, Topics.TRUST);
    }

    @Test
    void everyRecordAndFieldIsDocumented() throws IOException {
        for (Path p : avscFiles()) {
            Schema schema = new Schema.Parser().parse(p.toFile());
            assertThat(schema.getDoc()).as("doc of %s", p.getFileName()).isNotBlank();
            assertThat(schema.getNamespace()).isEqualTo("io.edgedistill.schemas");
            assertFieldsDocumented(schema, p.getFileName().toString(), new ArrayList<>());
        }
    }

    private static void assertFieldsDocumented(Schema schema, String file, List<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.contains(schema.getFullName())) {
                    return;
                }
                seen.add(schema.getFullName());
                for (Schema.Field f : schema.getFields()) {
                    assertThat(f.doc()).as("%s: field %s.%s has no doc", file, schema.getName(), f.name()).isNotBlank();
                    assertFieldsDocumented(f.schema(), file, seen);
                }
            }
            case ARRAY -> assertFieldsDocumented(schema.getElementType(), file, seen);
            case MAP -> assertFieldsDocumented(schema.getValueType(), file, seen);
            case UNION -> schema.getTypes().forEach(t -> assertFieldsDocumented(t, file, seen));
            default -> { }
        }
    }

    static List<Path> avscFiles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("src/main/avro"))) {
            return s.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
    }

    static byte[] encode(SpecificRecord value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(value.getSchema()).write(value, enc);
        enc.flush();
        return out.toByteArray();
    }

    static SpecificRecord decode(Schema schema, byte[] bytes) throws IOException {
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, null);
        return new SpecificDatumReader<SpecificRecord>(schema).read(null, dec);
    }

}
