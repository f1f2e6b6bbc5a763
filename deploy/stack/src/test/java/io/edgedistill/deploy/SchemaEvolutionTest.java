package io.edgedistill.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.edgedistill.schemas.serde.WireFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema evolution through the registry (issue 5 item 6): a field added with a default to one contract
 * ({@code AttackAlert}) is accepted under BACKWARD compatibility; an old consumer (the generated class of today)
 * reads records written with the new schema, a new consumer (the new schema as reader) reads records written
 * with the old one; incompatible changes (a field added without a default, a
 * type change) are refused by the registry with 409.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class SchemaEvolutionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anAddedFieldWithDefaultEvolvesBothWaysAndIncompatibleChangesAreRefused(LocalStack stack) throws Exception {
        String topic = "evolution-" + UUID.randomUUID();
        try (Admin admin = stack.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Schema v1 = AttackAlert.getClassSchema();
        Schema v2 = withField(v1, "{\"name\":\"severity\",\"type\":[\"null\",\"string\"],\"default\":null,"
                + "\"doc\":\"Operator-facing severity (added in v2).\"}");

        // the old producer writes v1 (registers it); the new producer writes v2 (registered as the next version)
        AttackAlert old = ContractSamples.attackAlert(1);
        byte[] oldBytes;
        try (Serializer<AttackAlert> ser = AvroSerdes.serializer(stack.registryUrl(), false)) {
            oldBytes = ser.serialize(topic, old);
        }
        GenericRecord neu = new GenericData.Record(v2);
        for (Schema.Field f : v1.getFields()) {
            Object v = old.get(f.name());
            neu.put(f.name(), v instanceof java.time.Instant t ? t.toEpochMilli() : v); // generic data has no logical types
        }
        neu.put("alertId", "alert-v2");
        neu.put("severity", "high");
        byte[] newBytes;
        try (AvroKafkaSerializer<GenericRecord> ser = new AvroKafkaSerializer<>()) {
            ser.configure(AvroSerdes.registryConfig(stack.registryUrl()), false);
            newBytes = ser.serialize(topic, neu);
        }
        int oldId = WireFormat.schemaId(oldBytes).orElseThrow();
        int newId = WireFormat.schemaId(newBytes).orElseThrow();
        assertThat(newId).as("v2 is a new schema version").isNotEqualTo(oldId);
        JsonNode versions = JSON.readTree(get(stack.confluentRegistryUrl() + "/subjects/" + topic + "-value/versions"));
        assertThat(versions).hasSize(2);

        // old consumer (today's generated class) reads the v2 record: the added field is ignored
        try (Deserializer<AttackAlert> d = AvroSerdes.deserializer(stack.registryUrl(), false)) {
            AttackAlert read = d.deserialize(topic, newBytes);
            assertThat(read.getAlertId()).isEqualTo("alert-v2");
            assertThat(read.getAttackClass()).isEqualTo(old.getAttackClass());
            assertThat(d.deserialize(topic, oldBytes)).isEqualTo(old);
        }
        // new consumer (v2 as reader schema) reads the v1 record: the added field takes its default
        Schema writer = writerSchema(stack, oldId);
        GenericRecord upgraded = new GenericDatumReader<GenericRecord>(writer, v2).read(null,
                DecoderFactory.get().binaryDecoder(oldBytes, 5, oldBytes.length - 5, null));
        assertThat(upgraded.get("alertId").toString()).isEqualTo(old.getAlertId());
        assertThat(upgraded.get("severity")).isNull();

        // incompatible changes to the latest version (as registered: enums by reference) are refused under BACKWARD
        String subject = topic + "-value";
        JsonNode latest = JSON.readTree(get(stack.confluentRegistryUrl() + "/subjects/" + subject + "/versions/latest"));
        ObjectNode noDefault = (ObjectNode) JSON.readTree(latest.path("schema").asText());
        noDefault.withArray("fields").add(JSON.readTree("{\"name\":\"region\",\"type\":\"string\"}"));
        HttpResponse<String> r1 = register(stack, subject, noDefault.toString(), latest.path("references"));
        assertThat(r1.statusCode()).as("field without default: " + r1.body()).isEqualTo(409);
        ObjectNode retyped = (ObjectNode) JSON.readTree(latest.path("schema").asText());
        for (JsonNode f : retyped.withArray("fields")) {
            if (f.path("name").asText().equals("score")) {
                ((ObjectNode) f).put("type", "string");
            }
        }
        HttpResponse<String> r2 = register(stack, subject, retyped.toString(), latest.path("references"));
        assertThat(r2.statusCode()).as("score: double -> string: " + r2.body()).isEqualTo(409);
        assertThat(JSON.readTree(get(stack.confluentRegistryUrl() + "/subjects/" + subject + "/versions"))).as("nothing registered")
                .hasSize(2);
    }

    /**
     * The writer schema of an id as a Confluent client resolves it: nested named types (the enums) are registered
     * as references, parsed first.
     */
    private Schema writerSchema(LocalStack stack, int id) throws Exception {
        JsonNode s = JSON.readTree(get(stack.confluentRegistryUrl() + "/schemas/ids/" + id));
        Schema.Parser parser = new Schema.Parser();
        for (JsonNode ref : s.path("references")) {
            parser.parse(JSON.readTree(get(stack.confluentRegistryUrl() + "/subjects/" + ref.path("subject").asText()
                    + "/versions/" + ref.path("version").asText())).path("schema").asText());
        }
        return parser.parse(s.path("schema").asText());
    }

    private static Schema withField(Schema base, String fieldJson) throws Exception {
        ObjectNode s = (ObjectNode) JSON.readTree(base.toString());
        ((ArrayNode) s.withArray("fields")).add(JSON.readTree(fieldJson));
        return new Schema.Parser().parse(s.toString());
    }

    private HttpResponse<String> register(LocalStack stack, String subject, String schema, JsonNode references) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("schema", schema);
        body.put("references", references);
        return http.send(HttpRequest.newBuilder(URI.create(stack.confluentRegistryUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(200);
        return r.body();
    }
}
