package io.edgedistill.processor.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.edgedistill.processor.service.FlowScorer;
import io.edgedistill.processor.service.LiveModel;
import io.edgedistill.processor.service.LiveModels;
import io.edgedistill.processor.service.ProcessorMetrics;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.TrafficFlow;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores {@code edge.traffic} in batches against the live model: decodes each flow (undecodable or invalid
 * → dead letter), buffers it, and runs one batched forward pass when {@code batchSize} flows are pending or
 * every {@code batchMaxMs} of wall-clock time (punctuation), emitting an alert per confident non-benign
 * prediction.
 *
 * <p>Exactly-once: pending flows live in a changelogged, cached ring-buffer store (slot = sequence mod
 * capacity, value = sequence + original bytes) and are deleted once scored, in the same transaction as the
 * alerts, so flows whose input offsets were committed but which were not yet scored are restored and scored
 * after a crash. Because the store is cached, a flow buffered and scored within one commit interval costs
 * the changelog only a key-only tombstone. An in-memory mirror of the decoded flows avoids decoding twice
 * on the normal path.
 */
final class TrafficScoringProcessor implements Processor<byte[], byte[], byte[], TrafficScoringProcessor.Out> {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficScoringProcessor.class);

    /** Output: exactly one of alert or deadLetter. */
    record Out(AttackAlert alert, DeadLetter deadLetter) {
    }

    /** A flow record is a few hundred bytes; anything beyond this is refused (to the dead-letter topic). */
    static final int MAX_FLOW_BYTES = 64 << 10;
    private final Deserializer<TrafficFlow> deserializer;
    private final Deserializer<ModelUpdate> modelDeserializer;
    private final LiveModels models;
    private final String modelId;
    private final FlowScorer scorer;
    private final int capacity;
    private final long maxMs;
    private final ProcessorMetrics metrics;
    private ProcessorContext<byte[], Out> context;
    private KeyValueStore<Long, byte[]> buffer;
    private KeyValueStore<String, byte[]> modelStore;
    private Intake<TrafficFlow> intake;
    private TrafficFlow[] mirror;
    private long[] mirrorSeq;
    private long head;
    private long tail;
    private boolean warnedNoModel;

    TrafficScoringProcessor(Deserializer<TrafficFlow> deserializer, Deserializer<ModelUpdate> modelDeserializer,
                            LiveModels models, String modelId, double threshold, int batchSize, long batchMaxMs,
                            ProcessorMetrics metrics) {
        this.deserializer = deserializer;
        this.modelDeserializer = modelDeserializer;
        this.models = models;
        this.modelId = modelId;
        this.scorer = new FlowScorer(threshold);
        this.capacity = Math.max(1, batchSize);
        this.maxMs = Math.max(1, batchMaxMs);
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], Out> context) {
        this.context = context;
        this.buffer = context.getStateStore(ProcessorTopology.TRAFFIC_BUFFER_STORE);
        this.modelStore = context.getStateStore(ProcessorTopology.MODELS_STORE);
        this.intake = new Intake<>(deserializer, flow -> {
            List<String> v = new ArrayList<>(1);
            if (flow.getFlowId().isEmpty()) {
                v.add("flowId is empty");
            }
            for (var e : flow.getNumeric().entrySet()) {
                if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                    v.add("feature " + e.getKey() + " is not finite (" + e.getValue() + ")");
                    break;
                }
            }
            return v;
        }, "distill-processor/traffic-scoring", MAX_FLOW_BYTES);
        this.mirror = new TrafficFlow[capacity];
        this.mirrorSeq = new long[capacity];
        java.util.Arrays.fill(mirrorSeq, -1);
        restorePending();
        context.schedule(Duration.ofMillis(maxMs), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (head > tail) {
                flush(now);
            }
        });
    }

    /** Pending flows are exactly the slots in the store (scored ones are deleted): tail = min seq, head = max + 1. */
    private void restorePending() {
        long min = Long.MAX_VALUE;
        long max = -1;
        try (var it = buffer.all()) {
            while (it.hasNext()) {
                long seq = ByteBuffer.wrap(it.next().value).getLong();
                min = Math.min(min, seq);
                max = Math.max(max, seq);
            }
        }
        if (max < 0) {
            head = 0;
            tail = 0;
        } else {
            tail = min;
            head = max + 1;
            LOG.info("restored {} buffered flows to score", head - tail);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Intake.Result<TrafficFlow> r = intake.decode(context, record);
        if (r.value() == null) {
            metrics.trafficDeadLettered.increment();
            context.forward(record.withValue(new Out(null, r.deadLetter())));
            return;
        }
        int slot = (int) (head % capacity);
        byte[] v = record.value();
        byte[] stored = new byte[8 + v.length];
        ByteBuffer.wrap(stored).putLong(head);
        System.arraycopy(v, 0, stored, 8, v.length);
        buffer.put((long) slot, stored);
        mirror[slot] = r.value();
        mirrorSeq[slot] = head;
        head++;
        if (head - tail >= capacity) {
            flush(System.currentTimeMillis());
        }
    }

    private void flush(long now) {
        int n = (int) (head - tail);
        List<TrafficFlow> flows = new ArrayList<>(n);
        for (long seq = tail; seq < head; seq++) {
            int slot = (int) (seq % capacity);
            if (mirrorSeq[slot] == seq) {
                flows.add(mirror[slot]);
            } else { // restored after a restart
                byte[] stored = buffer.get((long) slot);
                TrafficFlow f = null;
                try {
                    f = stored == null ? null : deserializer.deserialize(ProcessorTopology.TRAFFIC_TOPIC,
                            java.util.Arrays.copyOfRange(stored, 8, stored.length));
                } catch (RuntimeException e) {
                    LOG.warn("cannot decode buffered flow at sequence {}: {}", seq, e.toString());
                }
                if (f != null) {
                    flows.add(f);
                }
            }
        }
        Optional<LiveModel> live = liveModel();
        if (live.isEmpty()) {
            metrics.flowsUnscored.increment(flows.size());
            if (!warnedNoModel) {
                LOG.warn("no verified model '{}' yet: flows pass unscored until one arrives on models.updates", modelId);
                warnedNoModel = true;
            }
        } else {
            warnedNoModel = false;
            List<AttackAlert> alerts = scorer.score(live.get(), flows, now);
            metrics.flowsScored.increment(flows.size());
            metrics.attackAlerts.increment(alerts.size());
            for (AttackAlert a : alerts) {
                context.forward(new Record<>(a.getEdgeId().getBytes(StandardCharsets.UTF_8), new Out(a, null),
                        a.getObservedAt().toEpochMilli()));
            }
        }
        for (long seq = tail; seq < head; seq++) {
            int slot = (int) (seq % capacity);
            buffer.delete((long) slot); // cached: a slot written and scored within a commit costs one tombstone
            mirror[slot] = null;
            mirrorSeq[slot] = -1;
        }
        tail = head;
    }

    private Optional<LiveModel> liveModel() {
        Optional<LiveModel> live = models.get(modelId);
        if (live.isPresent()) {
            return live;
        }
        byte[] raw = modelStore.get(modelId);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return models.offer(modelDeserializer.deserialize(ProcessorTopology.MODELS_TOPIC, raw))
                    .or(() -> models.get(modelId));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
