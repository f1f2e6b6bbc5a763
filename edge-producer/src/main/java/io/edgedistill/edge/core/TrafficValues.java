package io.edgedistill.edge.core;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TrafficStreamer}'s source-side encoding of a row into its traffic value: the cached
 * {@link FlowEncoder} once it was verified against the registry serializer for the current data window, otherwise
 * the serializer itself, retried while the registry is unreachable. Used from the source thread only.
 */
final class TrafficValues {
    // the streamer's logger, so these lines keep the category operators filter traffic logs by
    private static final Logger LOG = LoggerFactory.getLogger(TrafficStreamer.class);

    /** A row's flow id and its serialised value. */
    record Value(String flowId, byte[] bytes) {
    }

    private final String edgeId;
    private final Serializer<TrafficFlow> serializer;
    private final boolean labelled;
    private final BooleanSupplier running;
    private final AtomicLong serializeRetries = new AtomicLong();
    /** Cached encoding of the current data window's rows, once verified against the serializer (null: not used). */
    private FlowEncoder encoder;
    private Flows encoderFor;

    TrafficValues(String edgeId, Serializer<TrafficFlow> serializer, boolean labelled, BooleanSupplier running) {
        this.edgeId = edgeId;
        this.serializer = serializer;
        this.labelled = labelled;
        this.running = running;
    }

    /** The value of {@code row} of {@code f} as flow number {@code seq}; null when stopping. */
    Value encode(Flows f, int row, long seq, Instant at) throws InterruptedException {
        if (encoder != null && encoderFor == f) {
            String flowId = edgeId + "-" + seq;
            return new Value(flowId, encoder.encode(row, flowId, at.toEpochMilli()));
        }
        TrafficFlow flow = f.flow(row, seq, at, labelled);
        byte[] value = serialize(flow);
        if (value == null) {
            return null; // stopping
        }
        if (encoderFor != f) { // new data window: check once whether the cached encoding matches
            encoder = FlowEncoder.verified(f, labelled, row, flow, value).orElse(null);
            encoderFor = f;
            if (encoder == null) {
                LOG.info("[{}] traffic values are serialised record by record (the serializer's bytes differ "
                        + "from the cached encoding)", edgeId);
            }
        }
        return new Value(flow.getFlowId(), value);
    }

    long serializeRetries() {
        return serializeRetries.get();
    }

    /** Serialises with the registry serializer; while the registry is unreachable, waits and retries. */
    private byte[] serialize(TrafficFlow flow) throws InterruptedException {
        while (running.getAsBoolean()) {
            try {
                return serializer.serialize(Topics.TRAFFIC, flow);
            } catch (RuntimeException e) {
                serializeRetries.incrementAndGet();
                LOG.warn("[{}] cannot serialise flow {} (registry unreachable?): {}; retrying in 1 s", edgeId,
                        flow.getFlowId(), e.toString());
                Thread.sleep(1000);
            }
        }
        return null;
    }
}
