package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Back-pressure and no-loss behaviour of the traffic path, with a producer that stalls and fails. */
class TrafficStreamerTest {
    private static Flows flows;

    /** Test serializer: the flow id as bytes. */
    private static final Serializer<TrafficFlow> FLOW_ID = (topic, f) -> f.getFlowId().getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void data() {
        flows = new Flows("edge-t", LocalData.generated(3, 500, null));
    }

    /**
     * A producer whose send blocks while the "broker is away" (like a full buffer.memory), throws a
     * max.block.ms timeout once, and fails one delivery, like a real client would.
     */
    static final class FlakyProducer extends MockProducer<String, byte[]> {
        final Semaphore brokerUp = new Semaphore(0);
        final List<String> delivered = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean away = true;

        FlakyProducer() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> r, Callback cb) {
            int n = calls.incrementAndGet();
            if (n == 3) {
                throw new TimeoutException("Topic not present in metadata after 60000 ms.");
            }
            while (away) {
                try {
                    brokerUp.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new org.apache.kafka.common.errors.InterruptException(e);
                }
            }
            if (n == 5) {
                cb.onCompletion(null, new NetworkException("delivery failed"));
                return null;
            }
            delivered.add(new String(r.value(), StandardCharsets.UTF_8));
            cb.onCompletion(new RecordMetadata(new TopicPartition(r.topic(), 0), 0, 0, 0, 0, 0), null);
            return null;
        }

        void up() {
            away = false;
            brokerUp.release(1000);
        }
    }

    @Test
    void blocksTheSourceWhenFullAndLosesNothingWhenTheBrokerReturns() throws Exception {
        FlakyProducer producer = new FlakyProducer();
        TrafficStreamer.Settings s = new TrafficStreamer.Settings(0, 50, 1 << 20, 100, 0, 16384, "none", 400);
        List<String> scored = new CopyOnWriteArrayList<>();
        TrafficStreamer t = new TrafficStreamer("edge-t", () -> flows, FLOW_ID, producer, s, true,
                (row, id, at) -> scored.add(id));
        t.start();
        // broker away: the queue fills up and the source is held back
        await().atMost(Duration.ofSeconds(10)).until(() -> t.queueFullEvents() > 0);
        assertThat(t.produced()).isLessThanOrEqualTo(50 + 512 + 2);
        assertThat(t.acked()).isZero();

        producer.up();
        await().atMost(Duration.ofSeconds(30)).until(() -> t.acked() == 400);
        t.close();

        assertThat(t.produced()).isEqualTo(400);
        assertThat(t.sendBlockedRetries()).isEqualTo(1);
        assertThat(t.failed()).isEqualTo(1);
        // every flow delivered exactly once (the failed one re-sent), none lost
        assertThat(producer.delivered).hasSize(400).doesNotHaveDuplicates();
        for (int i = 0; i < 400; i++) {
            assertThat(producer.delivered).contains("edge-t-" + i);
        }
        assertThat(scored).hasSizeGreaterThanOrEqualTo(400);
    }

    @Test
    void pacesToTheConfiguredRate() {
        List<TrafficFlow> seen = new CopyOnWriteArrayList<>();
        Serializer<TrafficFlow> capture = (topic, f) -> {
            seen.add(f);
            return f.getFlowId().getBytes(StandardCharsets.UTF_8);
        };
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        TrafficStreamer t = new TrafficStreamer("edge-t", () -> flows, capture, producer,
                new TrafficStreamer.Settings(200, 1000, 1 << 20, 100, 0, 16384, "none", 100), false, null);
        long t0 = System.nanoTime();
        t.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> t.acked() == 100);
        double seconds = (System.nanoTime() - t0) / 1e9;
        t.close();
        assertThat(seconds).isGreaterThan(0.4); // 100 flows at 200/s take ~0.5 s
        assertThat(producer.history()).hasSize(100).allSatisfy(r -> assertThat(r.key()).isEqualTo("edge-t"));
        assertThat(seen).hasSize(100).allSatisfy(f -> {
            assertThat(f.getLabel()).isNull();
            assertThat(f.getNumeric()).isNotEmpty();
        });
    }
    @Test
    void withATrafficKeyEveryFlowCarriesANumberAndATagTheProcessorsVerifierAccepts() {
        byte[] master = new byte[32];
        new java.util.Random(1).nextBytes(master);
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        TrafficStreamer t = new TrafficStreamer("edge-t", () -> flows, FLOW_ID, producer,
                new TrafficStreamer.Settings(0, 1000, 1 << 20, 100, 0, 16384, "none", 50), false, null,
                TrafficMac.edgeKey(master, "edge-t"));
        t.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> t.acked() == 50);
        t.close();
        var verifier = new TrafficMac.Verifier(master, Topics.TRAFFIC, 8);
        assertThat(producer.history()).hasSize(50).allSatisfy(r -> {
            var tag = r.headers().lastHeader(TrafficMac.MAC_HEADER);
            var seq = r.headers().lastHeader(TrafficMac.SEQ_HEADER);
            assertThat(tag).isNotNull();
            assertThat(seq).isNotNull();
            assertThat(verifier.check(r.key().getBytes(StandardCharsets.UTF_8), seq.value(), r.value(), tag.value())).isEmpty();
        });
        // numbered 0..49 in one epoch, and a later streamer starts a later epoch
        assertThat(producer.history()).extracting(r -> TrafficMac.counter(r.headers().lastHeader(TrafficMac.SEQ_HEADER).value()))
                .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.range(0, 50).boxed().toList());
        long epoch = TrafficMac.epoch(producer.history().get(0).headers().lastHeader(TrafficMac.SEQ_HEADER).value());
        assertThat(producer.history()).allSatisfy(r ->
                assertThat(TrafficMac.epoch(r.headers().lastHeader(TrafficMac.SEQ_HEADER).value())).isEqualTo(epoch));
        MockProducer<String, byte[]> again = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        TrafficStreamer restarted = new TrafficStreamer("edge-t", () -> flows, FLOW_ID, again,
                new TrafficStreamer.Settings(0, 1000, 1 << 20, 100, 0, 16384, "none", 1), false, null,
                TrafficMac.edgeKey(master, "edge-t"));
        restarted.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> restarted.acked() == 1);
        restarted.close();
        assertThat(TrafficMac.epoch(again.history().get(0).headers().lastHeader(TrafficMac.SEQ_HEADER).value())).isGreaterThan(epoch);
    }
}
