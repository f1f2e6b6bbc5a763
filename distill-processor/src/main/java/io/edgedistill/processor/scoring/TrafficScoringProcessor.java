package io.edgedistill.processor.scoring;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.topology.DeadLetteringDecoder;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.serde.WriterSchemas;
import org.apache.kafka.common.header.Header;
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
 * the changelog only a key-only tombstone. An in-memory mirror of the pending flows avoids decoding twice
 * on the normal path: records written with the processor's own {@code TrafficFlow} layout are read by
 * {@link FlowRowReader} straight into the live model's input rows (no decoded record at all); others, and
 * every record that might be bad, take the regular decoder, which names the problem in the dead letter.
 */
public final class TrafficScoringProcessor
        implements Processor<byte[], byte[], byte[], TrafficScoringProcessor.AlertOrDeadLetter> {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficScoringProcessor.class);

    /** Output: exactly one of alert or deadLetter. */
    public record AlertOrDeadLetter(AttackAlert alert, DeadLetter deadLetter) {
    }

    /** A flow record is a few hundred bytes; anything beyond this is refused (to the dead-letter topic). */
    static final int MAX_FLOW_BYTES = 64 << 10;
    /** Dead-letter error class of a flow whose tag does not bind it to the edge it claims ({@link TrafficMac}). */
    static final String BAD_TRAFFIC_TAG = "TrafficAuthentication";
    /** Dead-letter error class of an authenticated flow whose (epoch, counter) was seen before or is too old ({@link ReplayWindow}). */
    static final String REPLAYED_FLOW = "ReplayedFlow";
    /** Checks each flow's tag when a traffic master key is configured; null = flows are not authenticated. */
    private final TrafficMac.Verifier verifier;
    private final Deserializer<TrafficFlow> deserializer;
    private final Deserializer<ModelUpdate> modelDeserializer;
    private final LiveModels models;
    private final String modelId;
    private final FlowScorer scorer;
    private final int capacity;
    private final long maxMs;
    private final ProcessorMetrics metrics;
    private ProcessorContext<byte[], AlertOrDeadLetter> context;
    private KeyValueStore<Long, byte[]> buffer;
    private KeyValueStore<String, byte[]> modelStore;
    /** Per edge, its {@link ReplayWindow} state (authenticated traffic only). */
    private KeyValueStore<String, byte[]> sequences;
    private final java.util.Map<String, ReplayWindow> windows = new java.util.HashMap<>();
    private final int replayWindow;
    private final java.util.function.Supplier<java.util.Set<String>> distrusted;
    private DeadLetteringDecoder<TrafficFlow> decoder;
    private final FlowRowReader reader;
    // in-memory mirror of the pending slots (the store holds the bytes): a slot whose mirrorSeq is its
    // sequence holds either a row read straight into `rows` (with `rowsFor`'s layout) or a decoded flow
    private TrafficFlow[] mirror;
    private long[] mirrorSeq;
    private boolean[] hasRow;
    private String[] edgeIds;
    private String[] flowIds;
    private long[] observedAt;
    private float[] rows;
    private FlowVectorizer rowsFor;
    private long head;
    private long tail;
    private boolean warnedNoModel;

    public TrafficScoringProcessor(Deserializer<TrafficFlow> deserializer, Deserializer<ModelUpdate> modelDeserializer,
                            LiveModels models, String modelId, double threshold, int batchSize, long batchMaxMs,
                            ProcessorMetrics metrics, TrafficMac.Verifier verifier) {
        this(deserializer, modelDeserializer, models, modelId, threshold, batchSize, batchMaxMs, metrics, verifier, 4096);
    }

    /**
     * @param replayWindow with a verifier: how far below an edge's highest flow counter a flow may still arrive (out of
     *                     order) and be accepted once ({@link ReplayWindow})
     */
    public TrafficScoringProcessor(Deserializer<TrafficFlow> deserializer, Deserializer<ModelUpdate> modelDeserializer,
                            LiveModels models, String modelId, double threshold, int batchSize, long batchMaxMs,
                            ProcessorMetrics metrics, TrafficMac.Verifier verifier, int replayWindow) {
        this(deserializer, modelDeserializer, models, modelId, threshold, batchSize, batchMaxMs, metrics, verifier, replayWindow,
                java.util.Set::of);
    }

    /** @param distrusted edges whose flows go to the dead-letter topic unscored, now (configured, and the trust list's) */
    public TrafficScoringProcessor(Deserializer<TrafficFlow> deserializer, Deserializer<ModelUpdate> modelDeserializer,
                            LiveModels models, String modelId, double threshold, int batchSize, long batchMaxMs,
                            ProcessorMetrics metrics, TrafficMac.Verifier verifier, int replayWindow,
                            java.util.function.Supplier<java.util.Set<String>> distrusted) {
        this.distrusted = distrusted;
        this.replayWindow = replayWindow;
        this.verifier = verifier;
        this.deserializer = deserializer;
        this.modelDeserializer = modelDeserializer;
        this.models = models;
        this.modelId = modelId;
        this.scorer = new FlowScorer(threshold);
        this.capacity = Math.max(1, batchSize);
        this.maxMs = Math.max(1, batchMaxMs);
        this.metrics = metrics;
        this.reader = new FlowRowReader(WriterSchemas.of(deserializer), MAX_FLOW_BYTES);
    }

    @Override
    public void init(ProcessorContext<byte[], AlertOrDeadLetter> context) {
        this.context = context;
        this.buffer = context.getStateStore(ProcessorTopology.TRAFFIC_BUFFER_STORE);
        this.modelStore = context.getStateStore(ProcessorTopology.MODELS_STORE);
        this.sequences = verifier == null ? null : context.getStateStore(ProcessorTopology.TRAFFIC_SEQUENCES_STORE);
        this.decoder = new DeadLetteringDecoder<>(deserializer, flow -> {
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
        this.hasRow = new boolean[capacity];
        this.edgeIds = new String[capacity];
        this.flowIds = new String[capacity];
        this.observedAt = new long[capacity];
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
        int slot = (int) (head % capacity);
        byte[] v = record.value();
        java.util.Set<String> distrustedNow = distrusted.get();
        if (!distrustedNow.isEmpty() && record.key() != null
                && distrustedNow.contains(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8))) {
            refuse(record, io.edgedistill.processor.contributions.ContributionIntakeProcessor.DISTRUSTED_EDGE,
                    "edge " + new String(record.key(), java.nio.charset.StandardCharsets.UTF_8)
                            + " is distrusted by the operator");
            return;
        }
        if (verifier != null) {
            Header tag = record.headers().lastHeader(TrafficMac.MAC_HEADER);
            Header seq = record.headers().lastHeader(TrafficMac.SEQ_HEADER);
            byte[] number = seq == null ? null : seq.value();
            Optional<String> refused = verifier.check(record.key(), number, v, tag == null ? null : tag.value());
            if (refused.isPresent()) {
                refuse(record, BAD_TRAFFIC_TAG, refused.get());
                return;
            }
            // authenticated: the number is the edge's own, so a number seen before is a replay
            String edge = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
            ReplayWindow w = windows.computeIfAbsent(edge, e -> ReplayWindow.decode(sequences.get(e), replayWindow));
            Optional<String> replay = w.offer(TrafficMac.epoch(number), TrafficMac.counter(number));
            if (replay.isPresent()) {
                refuse(record, REPLAYED_FLOW, replay.get() + " (edge " + edge + ")");
                return;
            }
            sequences.put(edge, w.encode());
        }
        boolean direct = false;
        if (reader.accepts(v)) {
            Optional<LiveModel> live = models.get(modelId);
            if (live.isPresent()) {
                FlowVectorizer vec = live.get().vectorizer();
                int d = vec.dim();
                if (rowsFor != vec) { // a new model layout: pending rows are read again at the flush
                    rows = new float[capacity * d];
                    rowsFor = vec;
                    java.util.Arrays.fill(hasRow, false);
                } else {
                    java.util.Arrays.fill(rows, slot * d, slot * d + d, 0f);
                }
                direct = reader.read(v, vec, rows, slot * d);
            }
        }
        if (direct && claimsAnotherEdge(record, reader.edgeId, reader.flowId)) {
            return;
        }
        if (direct) {
            mirror[slot] = null;
            hasRow[slot] = true;
            edgeIds[slot] = reader.edgeId;
            flowIds[slot] = reader.flowId;
            observedAt[slot] = reader.observedAtMillis;
        } else {
            DeadLetteringDecoder.Decoded<TrafficFlow> r = decoder.decode(context, record);
            if (r.value() == null) {
                metrics.trafficDeadLettered.increment();
                context.forward(record.withValue(new AlertOrDeadLetter(null, r.deadLetter())));
                return;
            }
            if (claimsAnotherEdge(record, r.value().getEdgeId(), r.value().getFlowId())) {
                return;
            }
            reader.learn(v);
            mirror[slot] = r.value();
            hasRow[slot] = false;
        }
        byte[] stored = new byte[8 + v.length];
        ByteBuffer.wrap(stored).putLong(head);
        System.arraycopy(v, 0, stored, 8, v.length);
        buffer.put((long) slot, stored);
        mirrorSeq[slot] = head;
        head++;
        if (head - tail >= capacity) {
            flush(System.currentTimeMillis());
        }
    }

    /**
     * With authentication on, refuses (and returns true for) a flow that names another edge than the one it is keyed
     * and tagged by.
     */
    private boolean claimsAnotherEdge(Record<byte[], byte[]> record, String edgeId, String flowId) {
        if (verifier == null || java.util.Arrays.equals(record.key(), edgeId.getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        refuse(record, BAD_TRAFFIC_TAG, "flow " + flowId + " claims edge " + edgeId + " but is keyed and tagged by "
                + new String(record.key(), StandardCharsets.UTF_8));
        return true;
    }

    private void refuse(Record<byte[], byte[]> record, String errorClass, String reason) {
        metrics.trafficDeadLettered.increment();
        context.forward(record.withValue(
                new AlertOrDeadLetter(null, decoder.refuse(context, record, errorClass, reason))));
    }

    /** Scores {@code n} rows of {@code x} whose identities sit in {@code slots} and forwards the alerts. */
    private void emit(LiveModel live, float[] x, int n, int[] slots, long now) {
        List<AttackAlert> alerts = scorer.score(live, x, n, new FlowScorer.Identities() {
            @Override
            public String edgeId(int row) {
                return edgeIds[slots[row]];
            }

            @Override
            public String flowId(int row) {
                return flowIds[slots[row]];
            }

            @Override
            public long observedAtMillis(int row) {
                return observedAt[slots[row]];
            }
        }, now);
        metrics.flowsScored.increment(n);
        metrics.attackAlerts.increment(alerts.size());
        for (AttackAlert a : alerts) {
            context.forward(new Record<>(a.getEdgeId().getBytes(StandardCharsets.UTF_8), new AlertOrDeadLetter(a, null),
                    a.getObservedAt().toEpochMilli()));
        }
    }

    private void flush(long now) {
        int n = (int) (head - tail);
        Optional<LiveModel> live = liveModel();
        if (live.isEmpty()) {
            metrics.flowsUnscored.increment(n);
            if (!warnedNoModel) {
                LOG.warn("no verified model '{}' yet: flows pass unscored until one arrives on models.updates", modelId);
                warnedNoModel = true;
            }
        } else {
            warnedNoModel = false;
            FlowVectorizer vec = live.get().vectorizer();
            int d = vec.dim();
            float[] x = new float[n * d];
            int[] slots = new int[n];
            int m = 0;
            for (long seq = tail; seq < head; seq++) {
                int slot = (int) (seq % capacity);
                if (mirrorSeq[slot] == seq && hasRow[slot] && rowsFor == vec) {
                    System.arraycopy(rows, slot * d, x, m * d, d);
                } else {
                    TrafficFlow f = mirrorSeq[slot] == seq && mirror[slot] != null ? mirror[slot] : restored(seq, slot);
                    if (f == null) {
                        continue;
                    }
                    vec.vectorize(f, x, m * d);
                    edgeIds[slot] = f.getEdgeId();
                    flowIds[slot] = f.getFlowId();
                    observedAt[slot] = f.getObservedAt().toEpochMilli();
                }
                slots[m++] = slot;
            }
            emit(live.get(), x, m, slots, now);
        }
        for (long seq = tail; seq < head; seq++) {
            int slot = (int) (seq % capacity);
            buffer.delete((long) slot); // cached: a slot written and scored within a commit costs one tombstone
            mirror[slot] = null;
            mirrorSeq[slot] = -1;
            hasRow[slot] = false;
            edgeIds[slot] = null;
            flowIds[slot] = null;
        }
        tail = head;
    }

    /** A pending flow restored from the store after a restart (validated when it was first buffered). */
    private TrafficFlow restored(long seq, int slot) {
        byte[] stored = buffer.get((long) slot);
        try {
            return stored == null ? null : deserializer.deserialize(ProcessorTopology.TRAFFIC_TOPIC,
                    java.util.Arrays.copyOfRange(stored, 8, stored.length));
        } catch (RuntimeException e) {
            LOG.warn("cannot decode buffered flow at sequence {}: {}", seq, e.toString());
            return null;
        }
    }

    private Optional<LiveModel> liveModel() {
        Optional<LiveModel> live = models.get(modelId);
        if (live.isPresent() || models.withdrawn(modelId)) {
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
