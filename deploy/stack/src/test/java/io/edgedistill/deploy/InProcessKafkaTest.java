package io.edgedistill.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class InProcessKafkaTest {

    @Test
    void inProcessClusterServesProducersAndConsumersWithThePlanApplied() throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start()) {
            try (var admin = kafka.admin()) {
                assertThat(admin.listTopics().names().get()).contains("edge.summaries", "models.updates", "edge.traffic.dlq");
            }
            LocalStackShim clients = new LocalStackShim(kafka.bootstrapServers());
            RecordMetadata md;
            try (KafkaProducer<byte[], byte[]> p = clients.producer()) {
                md = p.send(new ProducerRecord<>("alerts.attacks", "edge-1".getBytes(), "hello".getBytes())).get();
            }
            try (KafkaConsumer<byte[], byte[]> c = clients.consumer()) {
                assertThat(new String(StackIntegrationTest.readAt(c, md).value())).isEqualTo("hello");
            }
        }
    }
}
