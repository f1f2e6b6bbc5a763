package io.edgedistill.edge.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import io.edgedistill.schemas.TrafficFlow;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The traffic source's encoder: an edge replays the rows of its local window, and a flow record differs from
 * the previous pass over the same row only in its flow id and time. So the Avro encoding of everything after
 * those (the numeric and categorical maps and the label) is computed once per row and each record is the
 * wire-format header, the edge id, the flow id, the time and that cached tail: no {@link TrafficFlow} object,
 * no map iteration, no per-record Avro writer.
 *
 * <p>It is only used after {@link #verified} showed, on a real record, that it writes byte for byte what the
 * registry serializer wrote (same schema id, same layout); otherwise the source keeps the serializer.
 */
final class FlowEncoder {
    private final Flows flows;
    private final boolean withLabel;
    private final byte[] header;
    private final byte[] edgeId;
    private final byte[][] tails;
    private final SpecificDatumWriter<TrafficFlow> writer = new SpecificDatumWriter<>(TrafficFlow.class);
    private BinaryEncoder encoder;

    private FlowEncoder(Flows flows, boolean withLabel, byte[] header) {
        this.flows = flows;
        this.withLabel = withLabel;
        this.header = header;
        this.edgeId = string(flows.edgeId());
        this.tails = new byte[flows.size()][];
    }

    /**
     * An encoder for these flows if it reproduces {@code serialized}, the serializer's bytes of {@code flow}
     * (row {@code row}), exactly; empty otherwise (a serializer with another framing or schema).
     */
    static Optional<FlowEncoder> verified(Flows flows, boolean withLabel, int row, TrafficFlow flow, byte[] serialized) {
        if (serialized == null || serialized.length < 5 || serialized[0] != 0) {
            return Optional.empty();
        }
        FlowEncoder e = new FlowEncoder(flows, withLabel, Arrays.copyOf(serialized, 5));
        try {
            byte[] mine = e.encode(row, flow.getFlowId(), flow.getObservedAt().toEpochMilli());
            return Arrays.equals(mine, serialized) ? Optional.of(e) : Optional.empty();
        } catch (RuntimeException ex) {
            return Optional.empty();
        }
    }

    /** The wire-format value of row {@code row} sent as flow {@code flowId} at {@code observedAtMillis}. */
    byte[] encode(int row, String flowId, long observedAtMillis) {
        byte[] tail = tails[row];
        if (tail == null) {
            tail = tail(row);
            tails[row] = tail;
        }
        byte[] id = flowId.getBytes(StandardCharsets.UTF_8);
        byte[] scratch = new byte[10];
        int idLen = varLong(id.length, scratch, 0);
        int tsLen = varLong(observedAtMillis, scratch, idLen);
        byte[] out = new byte[header.length + edgeId.length + idLen + id.length + tsLen + tail.length];
        int p = 0;
        System.arraycopy(header, 0, out, p, header.length);
        p += header.length;
        System.arraycopy(edgeId, 0, out, p, edgeId.length);
        p += edgeId.length;
        System.arraycopy(scratch, 0, out, p, idLen);
        p += idLen;
        System.arraycopy(id, 0, out, p, id.length);
        p += id.length;
        System.arraycopy(scratch, idLen, out, p, tsLen);
        p += tsLen;
        System.arraycopy(tail, 0, out, p, tail.length);
        return out;
    }

    /** The encoding of row {@code row} after its observedAt field: a record with an empty id at time 0, minus its head. */
    private byte[] tail(int row) {
        TrafficFlow template = flows.template(row, withLabel);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
        try {
            writer.write(template, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] all = bytes.toByteArray();
        int head = edgeId.length + 1 + 1; // edge id, "" (length 0), time 0
        return Arrays.copyOfRange(all, head, all.length);
    }

    private static byte[] string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] len = new byte[10];
        int n = varLong(b.length, len, 0);
        byte[] out = Arrays.copyOf(len, n + b.length);
        System.arraycopy(b, 0, out, n, b.length);
        return out;
    }

    /** Avro's long encoding (zig-zag, then 7 bits per byte, low first); returns the bytes written. */
    static int varLong(long v, byte[] out, int offset) {
        long z = (v << 1) ^ (v >> 63);
        int p = offset;
        while ((z & ~0x7FL) != 0) {
            out[p++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        out[p++] = (byte) z;
        return p - offset;
    }
}
