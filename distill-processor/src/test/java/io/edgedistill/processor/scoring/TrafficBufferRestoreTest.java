package io.edgedistill.processor.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.serde.PlainAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * After a crash, the changelog restores the traffic buffer with the flows whose input offsets were committed
 * but which were not yet scored; a fresh processor instance must find and score exactly those.
 */
class TrafficBufferRestoreTest {

    @Test
    void flowsRestoredFromTheBufferAreScoredAndCleared() {
        ProcessorMetrics metrics = ProcessorMetrics.inMemory();
        LiveModels models = new LiveModels(metrics);
        @SuppressWarnings("unchecked")
        PlainAvroSerde<TrafficFlow> traffic = (PlainAvroSerde<TrafficFlow>) Fixtures.plainSerdes().traffic();
        @SuppressWarnings("unchecked")
        PlainAvroSerde<ModelUpdate> modelSerde = (PlainAvroSerde<ModelUpdate>) Fixtures.plainSerdes().models();

        MockProcessorContext<byte[], TrafficScoringProcessor.AlertOrDeadLetter> ctx = new MockProcessorContext<>();
        KeyValueStore<Long, byte[]> buffer = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ProcessorTopology.TRAFFIC_BUFFER_STORE), Serdes.Long(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        KeyValueStore<String, byte[]> modelStore = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ProcessorTopology.MODELS_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        buffer.init(ctx.getStateStoreContext(), buffer);
        modelStore.init(ctx.getStateStoreContext(), modelStore);
        ctx.addStateStore(buffer);
        ctx.addStateStore(modelStore);

        // state as restored from the changelog: sequences 7 and 8 pending (slots 7, 8 of a 100-slot ring),
        // and the global models store holding the verified model (the in-memory cache is empty after a restart)
        buffer.put(7L, slot(7, traffic.encode(Fixtures.flow("edge-1", "f7", 0, 5, "udp"))));
        buffer.put(8L, slot(8, traffic.encode(Fixtures.flow("edge-1", "f8", 0, 0, "tcp"))));
        modelStore.put(Fixtures.TASK, modelSerde.encode(Fixtures.modelUpdate(1, false)));

        TrafficScoringProcessor p = new TrafficScoringProcessor(traffic.deserializer(), modelSerde.deserializer(), models,
                Fixtures.TASK, 0.8, 100, 20, metrics, null);
        p.init(ctx);
        ctx.scheduledPunctuators().get(0).getPunctuator().punctuate(1000);

        List<AttackAlert> alerts = ctx.forwarded().stream().map(f -> f.record().value().alert()).toList();
        assertThat(alerts).extracting(AttackAlert::getFlowId).containsExactly("f7");
        assertThat(metrics.flowsScored.count()).isEqualTo(2);
        assertThat(buffer.approximateNumEntries()).isZero();

        // new flows continue after the restored sequence numbers
        ctx.resetForwards();
        ctx.setRecordMetadata("edge.traffic", 0, 42);
        p.process(new Record<>("edge-2".getBytes(StandardCharsets.UTF_8),
                traffic.encode(Fixtures.flow("edge-2", "f9", 0, 5, "udp")), 0L));
        assertThat(buffer.get(9L)).isNotNull();
        assertThat(ByteBuffer.wrap(buffer.get(9L)).getLong()).isEqualTo(9);
    }

    private static byte[] slot(long seq, byte[] value) {
        return ByteBuffer.allocate(8 + value.length).putLong(seq).put(value).array();
    }
}
