package io.edgedistill.processor.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.Flows;
import io.edgedistill.processor.rounds.RoundFactory;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.serde.PlainAvroSerde;
import io.edgedistill.schemas.serde.WriterSchemas;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The direct reader yields exactly what decode + {@link FlowVectorizer#vectorize} yield, or declines. */
class FlowRowReaderTest {
    private static FeatureSpec spec;
    private static FlowVectorizer vec;
    private final PlainAvroSerde<TrafficFlow> serde = PlainAvroSerde.of(TrafficFlow.class, 7);

    @BeforeAll
    static void fit() {
        var cfg = Fixtures.config(Map.of("processor.rounds.dataset-rows", 3000));
        spec = new RoundFactory(cfg.rounds()).featureSpec();
        vec = new FlowVectorizer(spec);
    }

    private FlowRowReader learnt() {
        FlowRowReader r = new FlowRowReader(WriterSchemas.of(serde.deserializer()), 64 << 10);
        r.learn(serde.encode(flow("e", "f", Map.of(), Map.of())));
        return r;
    }

    private static TrafficFlow flow(String edge, String id, Map<String, Double> numeric, Map<String, String> categorical) {
        return TrafficFlow.newBuilder().setEdgeId(edge).setFlowId(id).setObservedAt(Instant.ofEpochMilli(1234))
                .setNumeric(numeric).setCategorical(categorical).build();
    }

    private float[] regular(byte[] payload) {
        float[] out = new float[vec.dim()];
        vec.vectorize(serde.decode(payload), out, 0);
        return out;
    }

    @Test
    void readsGeneratedFlowsBitForBitAsTheRegularPath() {
        FlowRowReader r = learnt();
        List<String[]> rows = new FiveGNiddGenerator(77).generate(400);
        SplittableRandom rnd = new SplittableRandom(5);
        float[] out = new float[3 * vec.dim()];
        for (int i = 0; i < rows.size(); i++) {
            TrafficFlow f = Flows.fromRow("edge-" + (i % 3), "flow-" + i, rows.get(i));
            Map<String, Double> numeric = new HashMap<>(f.getNumeric());
            Map<String, String> categorical = new HashMap<>(f.getCategorical());
            // the awkward cases the regular path handles: padded, unknown and missing-token categories, a
            // categorical column sent as a number, a numeric one sent as text, columns the model does not know
            switch (rnd.nextInt(6)) {
                case 0 -> categorical.computeIfPresent("Proto", (k, v) -> " " + v + " ");
                case 1 -> categorical.put("State", "NEVER-SEEN");
                case 2 -> categorical.put("Cause", spec.missingTokens().isEmpty() ? "" : spec.missingTokens().get(0));
                case 3 -> {
                    categorical.remove("sDSb");
                    numeric.put("sDSb", 0.0);
                }
                case 4 -> {
                    Double dur = numeric.remove("Dur");
                    if (dur != null) {
                        categorical.put("Dur", " " + dur + " ");
                    }
                }
                default -> numeric.put("NotAColumn", 42.0);
            }
            byte[] payload = serde.encode(flow(f.getEdgeId(), f.getFlowId(), numeric, categorical));
            int slot = i % 3;
            java.util.Arrays.fill(out, slot * vec.dim(), (slot + 1) * vec.dim(), 0f);
            assertThat(r.accepts(payload)).isTrue();
            assertThat(r.read(payload, vec, out, slot * vec.dim())).isTrue();
            assertThat(java.util.Arrays.copyOfRange(out, slot * vec.dim(), (slot + 1) * vec.dim()))
                    .containsExactly(regular(payload));
            assertThat(r.edgeId).isEqualTo(f.getEdgeId());
            assertThat(r.flowId).isEqualTo(f.getFlowId());
            assertThat(r.observedAtMillis).isEqualTo(1234L);
        }
    }

    @Test
    void declinesWhatTheRegularPathMustJudge() {
        FlowRowReader r = learnt();
        float[] out = new float[vec.dim()];
        byte[] nan = serde.encode(flow("e", "f", Map.of("Dur", Double.NaN), Map.of()));
        byte[] inf = serde.encode(flow("e", "f", Map.of("Dur", Double.POSITIVE_INFINITY), Map.of()));
        byte[] noId = serde.encode(flow("e", "", Map.of("Dur", 1.0), Map.of()));
        byte[] good = serde.encode(flow("e", "f", Map.of("Dur", 1.0), Map.of()));
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        byte[] otherId = good.clone();
        ByteBuffer.wrap(otherId, 1, 4).putInt(8);
        assertThat(r.read(nan, vec, out, 0)).isFalse();
        assertThat(r.read(inf, vec, out, 0)).isFalse();
        assertThat(r.read(noId, vec, out, 0)).isFalse();
        assertThat(r.read(trailing, vec, out, 0)).isFalse();
        assertThat(r.read(truncated, vec, out, 0)).isFalse();
        assertThat(r.accepts(otherId)).as("an id never decoded by the regular path").isFalse();
        assertThat(r.accepts(new byte[] {1, 0, 0, 0, 7, 0})).as("not the wire format").isFalse();
        assertThat(r.accepts(null)).isFalse();
        assertThat(new FlowRowReader(WriterSchemas.of(serde.deserializer()), 8).accepts(good)).as("oversized").isFalse();
        assertThat(r.read(good, vec, out, 0)).isTrue();
    }

    @Test
    void writerSchemaWithAnotherLayoutAlwaysTakesTheRegularPath() throws Exception {
        // an evolved writer schema (an extra field) registered under id 9
        Schema evolved = new Schema.Parser().parse(TrafficFlow.SCHEMA$.toString().replace("\"fields\":[",
                "\"fields\":[{\"name\":\"site\",\"type\":\"string\",\"default\":\"\"},"));
        GenericRecord g = new GenericData.Record(evolved);
        g.put("site", "x");
        g.put("edgeId", "e");
        g.put("flowId", "f");
        g.put("observedAt", 1L);
        g.put("numeric", Map.of("Dur", 1.0));
        g.put("categorical", Map.of());
        g.put("label", null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {0, 0, 0, 0, 9});
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(evolved).write(g, enc);
        enc.flush();
        byte[] payload = bytes.toByteArray();
        Map<Integer, Schema> registry = Map.of(7, TrafficFlow.SCHEMA$, 9, evolved);
        FlowRowReader r = new FlowRowReader(id -> Optional.ofNullable(registry.get(id)), 64 << 10);
        r.learn(payload);
        assertThat(r.accepts(payload)).isFalse();
        byte[] own = serde.encode(flow("e", "f", Map.of(), Map.of()));
        r.learn(own);
        assertThat(r.accepts(own)).isTrue();
        // and the learnt answers stay (no further look-ups): an id the registry does not know is never taken
        List<Integer> lookups = new ArrayList<>();
        FlowRowReader counting = new FlowRowReader(id -> {
            lookups.add(id);
            return Optional.empty();
        }, 64 << 10);
        counting.learn(own);
        counting.learn(own);
        assertThat(counting.accepts(own)).isFalse();
        assertThat(lookups).containsExactly(7);
    }
}
