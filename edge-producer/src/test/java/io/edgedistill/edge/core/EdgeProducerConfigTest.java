package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.client.KafkaClientSettings;
import org.junit.jupiter.api.Test;

/** The edge's producers are the shared reliable producer with their own settings on top, and authenticate. */
class EdgeProducerConfigTest {
    private static final KafkaClientSettings SCRAM = KafkaClientConfig.of("broker:9094", "http://r/apis/registry/v3")
            .withScram("edge-3", "s3cret").settings();

    @Test
    void theTrafficProducerIsIdempotentWithOneRequestInFlightADayToDeliverAndTheConfiguredBatching() {
        TrafficStreamer.Settings s = new TrafficStreamer.Settings(200, 10_000, 32L << 20, 60_000, 7, 32 << 10, "lz4", 0);

        Map<String, Object> cfg = TrafficProducerConfig.producerConfig(SCRAM, s, "edge-traffic-edge-3");

        assertThat(cfg).containsEntry("bootstrap.servers", "broker:9094").containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true).containsEntry("max.in.flight.requests.per.connection", 1)
                .containsEntry("delivery.timeout.ms", 24 * 3600 * 1000).containsEntry("linger.ms", 7)
                .containsEntry("batch.size", 32 << 10).containsEntry("compression.type", "lz4")
                .containsEntry("buffer.memory", 32L << 20).containsEntry("max.block.ms", 60_000L)
                .containsEntry("client.id", "edge-traffic-edge-3").containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void theControlProducerIsTheReliableAvroProducerWithAnHourToDeliverAndAShortLinger() {
        Map<String, Object> cfg = ControlChannel.producerConfig(SCRAM, "edge-3");

        assertThat(cfg).containsEntry("bootstrap.servers", "broker:9094").containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true).containsEntry("max.request.size", 8 << 20)
                .containsEntry("delivery.timeout.ms", 3600 * 1000).containsEntry("linger.ms", 5)
                .containsEntry("client.id", "edge-control-edge-3").containsEntry("security.protocol", "SASL_PLAINTEXT");
    }
}
