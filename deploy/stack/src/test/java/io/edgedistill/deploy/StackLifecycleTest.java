package io.edgedistill.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop and restart of a real broker with persistent data, and the start-up error messages. */
@Tag("integration")
class StackLifecycleTest {

    @Test
    void brokerKeepsAcknowledgedDataAcrossACleanRestart(@TempDir Path dir) throws Exception {
        KafkaBroker broker = new KafkaBroker(dir, Preflight.freePort(), Preflight.freePort(), java.util.Map.of(),
                List.of("-Xmx512m"));
        try {
            long t0 = System.nanoTime();
            broker.start(Duration.ofSeconds(90));
            Duration firstStart = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(Files.exists(dir.resolve("kafka-logs/meta.properties"))).as("storage formatted").isTrue();
            RecordMetadata md;
            LocalStackShim shim = new LocalStackShim(broker.bootstrapServers());
            try (var admin = shim.admin()) {
                TopicPlan.standard((short) 1).apply(admin);
            }
            try (KafkaProducer<byte[], byte[]> p = shim.producer()) {
                md = p.send(new ProducerRecord<>("edge.traffic", 0, "k".getBytes(), "persisted".getBytes())).get();
            }
            broker.stop();
            assertThat(broker.isRunning()).isFalse();

            broker.start(Duration.ofSeconds(90)); // no re-format: same data directory
            assertThat(broker.isRunning()).isTrue();
            try (KafkaConsumer<byte[], byte[]> c = shim.consumer()) {
                ConsumerRecord<byte[], byte[]> r = StackIntegrationTest.readAt(c, md);
                assertThat(new String(r.value())).isEqualTo("persisted");
            }
            assertThat(firstStart).isLessThan(Duration.ofSeconds(90));
        } finally {
            broker.stop();
        }
    }

    @Test
    void theWholeStackStartsAnswersAndStopsCleanly(@TempDir Path dir) throws Exception {
        LocalStack stack = LocalStack.builder().dataDir(dir).build();
        try {
            stack.start();
            assertThat(stack.broker().isRunning()).isTrue();
            assertThat(stack.registry().isRunning()).isTrue();
            assertThat(stack.registry().globalRule("COMPATIBILITY")).isEqualTo("BACKWARD");
            try (var admin = stack.admin()) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
                assertThat(admin.listTopics().names().get()).contains("edge.summaries", "models.updates");
            }
        } finally {
            stack.close();
        }
        assertThat(stack.broker().isRunning()).isFalse();
        assertThat(stack.registry().isRunning()).isFalse();
        // both ports are free again: a clean stop releases them
        Preflight.requirePortFree(stack.broker().port(), "broker after stop");
        Preflight.requirePortFree(stack.registry().port(), "registry after stop");
    }

    @Test
    void aTakenPortIsReportedClearly(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            KafkaBroker broker = new KafkaBroker(dir, taken.getLocalPort(), Preflight.freePort(), java.util.Map.of(), List.of());
            assertThatThrownBy(() -> broker.start(Duration.ofSeconds(10)))
                    .isInstanceOf(StackException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort())
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void aMissingJavaVersionNamesWhatToInstall() {
        assertThatThrownBy(() -> JavaRuntimes.require(99, "Some tool"))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("Java 99 or newer")
                .hasMessageContaining("Install a JDK 99+");
        assertThat(JavaRuntimes.featureVersion("17.0.15")).isEqualTo(17);
        assertThat(JavaRuntimes.featureVersion("1.8.0_392")).isEqualTo(8);
        assertThat(JavaRuntimes.featureVersion("25")).isEqualTo(25);
        assertThat(JavaRuntimes.find(17)).as("the running JVM qualifies").isPresent();
    }

    @Test
    void aFullDiskIsReportedClearly(@TempDir Path dir) {
        assertThatThrownBy(() -> Preflight.requireFreeDisk(dir, Long.MAX_VALUE, "the Kafka broker"))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("Disk full")
                .hasMessageContaining("the Kafka broker");
    }
}
