package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.edgedistill.deploy.KafkaBroker;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.client.KafkaClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The traffic path against a real broker (its own JVM) that is stopped mid-stream and started again: every
 * flow arrives exactly once (retries + idempotence), the source keeps producing into the buffers meanwhile.
 */
@Tag("integration")
class BrokerRestartTest {
    /** Test serializer: the flow id as bytes (the registry is not part of this test). */
    private static final Serializer<TrafficFlow> FLOW_ID = (topic, f) -> f.getFlowId().getBytes(StandardCharsets.UTF_8);

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void noFlowIsLostOrDuplicatedWhenTheBrokerRestarts() throws Exception {
        Flows flows = new Flows("edge-r", LocalData.generated(4, 300, null));
        Path dir = Files.createTempDirectory("edge-broker-restart-");
        int total = 6000;
        try (KafkaBroker broker = new KafkaBroker(dir, freePort(), freePort(), Map.of(), List.of("-Xmx512m"))) {
            broker.start(Duration.ofSeconds(120));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(Topics.TRAFFIC, 3, (short) 1))).all().get();
                // as in production (topics exist before edges start): wait until every partition has a leader
                await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeTopics(List.of(Topics.TRAFFIC))
                        .allTopicNames().get().get(Topics.TRAFFIC).partitions().stream().allMatch(p -> p.leader() != null));
            }
            TrafficStreamer.Settings s = new TrafficStreamer.Settings(1500, 2000, 8 << 20, 60_000, 5, 16384, "none",
                    total);
            KafkaProducer<String, byte[]> producer = TrafficProducerConfig.createProducer(
                    KafkaClientSettings.of(broker.bootstrapServers(), KafkaClientSettings.DEFAULT_REGISTRY_URL), s, "edge-r");
            try {
                // one acknowledged record first: the producer's id and the partition's leader are established
                producer.send(new ProducerRecord<>(Topics.TRAFFIC, "edge-r", "warm-up".getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
                TrafficStreamer t = new TrafficStreamer("edge-r", () -> flows, FLOW_ID, producer, s, false, null);
                t.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> t.acked() >= 1000);
                broker.stop();
                long ackedAtStop = t.acked();
                // the edge keeps observing traffic while the broker is away: it waits in the producer's buffer
                await().atMost(Duration.ofSeconds(60)).until(() -> t.produced() >= ackedAtStop + 1500);
                assertThat(t.acked()).isLessThan(t.produced());
                broker.start(Duration.ofSeconds(120));
                await().atMost(Duration.ofSeconds(120)).until(() -> t.acked() == total);
                t.close();
                assertThat(t.produced()).isEqualTo(total);
            } finally {
                producer.close(Duration.ofSeconds(5)); // bounded: never hang the build on a stuck producer
            }
            Set<String> ids = new HashSet<>();
            int records = 0;
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "restart-check",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                c.subscribe(List.of(Topics.TRAFFIC));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (ids.size() < total && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        String id = new String(r.value(), StandardCharsets.UTF_8);
                        if (!id.equals("warm-up")) {
                            ids.add(id);
                            records++;
                        }
                    }
                }
            }
            assertThat(ids).hasSize(total);
            assertThat(records).as("duplicates").isEqualTo(total);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
