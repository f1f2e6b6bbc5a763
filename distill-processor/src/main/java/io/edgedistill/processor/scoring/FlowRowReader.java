package io.edgedistill.processor.scoring;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.serde.WireFormat;
import io.edgedistill.schemas.serde.WriterSchemas;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * The scoring hot path's decoder: reads an {@code edge.traffic} payload's Avro body straight into a model
 * input row (through {@link FlowVectorizer}'s column and vocabulary indexes on the raw UTF-8 bytes), with no
 * {@link TrafficFlow} object, no per-record maps, boxed doubles or key strings; only the edge id and flow id
 * become strings (an alert needs them).
 *
 * <p>It takes a payload only when it is sure to read it exactly as the regular deserializer would: the
 * payload's schema id must be one whose writer schema has the same parsing form as {@link TrafficFlow}'s
 * (learnt from {@link WriterSchemas} after the regular path decoded a record with that id, so garbage ids
 * cost no extra registry look-ups), and the record must be valid (non-empty flow id, finite numeric values,
 * nothing after the body, within the size limit). Everything else returns {@code false} and goes the
 * regular way, which decodes with schema resolution or builds the dead letter with its reason. Not
 * thread-safe: one per stream task.
 */
public final class FlowRowReader {
    private static final long OWN_FINGERPRINT = SchemaNormalization.parsingFingerprint64(TrafficFlow.SCHEMA$);

    /** Identity of the flow last read (valid after {@link #read} returned true). */
    public String edgeId;
    public String flowId;
    public long observedAtMillis;

    private final WriterSchemas writerSchemas;
    private final int maxBytes;
    private final Map<Integer, Boolean> sameLayout = new HashMap<>();
    private final Utf8 key = new Utf8();
    private final Utf8 text = new Utf8();
    private BinaryDecoder decoder;
    private FlowVectorizer.Row row;
    private FlowVectorizer rowFor;
    // key-order prediction: producers write one flow after another with the same map layout, so the key that
    // followed column c last time (index c + 1; 0 = the map's start) is most likely the next one again; a hit
    // costs one byte comparison instead of hashing the key
    private Utf8[] numericNext;
    private int[] numericNextCol;
    private Utf8[] textNext;
    private int[] textNextCol;

    public FlowRowReader(WriterSchemas writerSchemas, int maxBytes) {
        this.writerSchemas = writerSchemas;
        this.maxBytes = maxBytes;
    }

    /**
     * Called after the regular path decoded a payload: from then on, payloads with its schema id take the
     * direct path when their writer schema is laid out like {@link TrafficFlow}'s.
     */
    public void learn(byte[] decodedPayload) {
        OptionalInt id = WireFormat.schemaId(decodedPayload);
        if (id.isPresent() && !sameLayout.containsKey(id.getAsInt())) {
            boolean same = writerSchemas.byId(id.getAsInt())
                    .map(s -> SchemaNormalization.parsingFingerprint64(s) == OWN_FINGERPRINT).orElse(false);
            sameLayout.put(id.getAsInt(), same);
        }
    }

    /** Whether {@link #read} may take this payload at all (known id with the same layout). */
    public boolean accepts(byte[] payload) {
        if (payload == null || payload.length > maxBytes) {
            return false;
        }
        OptionalInt id = WireFormat.schemaId(payload);
        return id.isPresent() && Boolean.TRUE.equals(sameLayout.get(id.getAsInt()));
    }

    /**
     * Reads a payload {@link #accepts accepted} into {@code out} at {@code offset} ({@code vectorizer.dim()}
     * floats, zero on entry) and sets {@link #edgeId}, {@link #flowId} and {@link #observedAtMillis}.
     *
     * @return false when the record must take the regular path (corrupt, invalid or trailing bytes); {@code out}
     *         may then hold partial features, which the caller overwrites
     */
    public boolean read(byte[] payload, FlowVectorizer vectorizer, float[] out, int offset) {
        if (rowFor != vectorizer) {
            row = vectorizer.newRow();
            rowFor = vectorizer;
            int slots = vectorizer.columns() + 1;
            numericNext = new Utf8[slots];
            numericNextCol = new int[slots];
            textNext = new Utf8[slots];
            textNextCol = new int[slots];
        } else {
            row.clear();
        }
        try {
            decoder = DecoderFactory.get().binaryDecoder(payload, WireFormat.HEADER_SIZE,
                    payload.length - WireFormat.HEADER_SIZE, decoder);
            BinaryDecoder d = decoder;
            String edge = d.readString();
            String flow = d.readString();
            if (flow.isEmpty()) {
                return false;
            }
            long observedAt = d.readLong();
            int prev = 0;
            for (long n = d.readMapStart(); n != 0; n = d.mapNext()) {
                for (long i = 0; i < n; i++) {
                    d.readString(key);
                    double v = d.readDouble();
                    if (!Double.isFinite(v)) {
                        return false;
                    }
                    int col = predicted(numericNext, numericNextCol, prev, vectorizer);
                    if (col >= 0) {
                        vectorizer.number(row, col, v);
                    }
                    prev = col >= 0 ? col + 1 : -1;
                }
            }
            prev = 0;
            for (long n = d.readMapStart(); n != 0; n = d.mapNext()) {
                for (long i = 0; i < n; i++) {
                    d.readString(key);
                    int col = predicted(textNext, textNextCol, prev, vectorizer);
                    prev = col >= 0 ? col + 1 : -1;
                    if (col >= 0) {
                        d.readString(text);
                        vectorizer.text(row, col, text);
                    } else {
                        d.skipString();
                    }
                }
            }
            int label = d.readIndex();
            if (label == 1) {
                d.skipString();
            } else if (label != 0) {
                return false;
            }
            if (!d.isEnd()) {
                return false;
            }
            vectorizer.write(row, out, offset);
            edgeId = edge;
            flowId = flow;
            observedAtMillis = observedAt;
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // the regular path names the problem in the dead letter
        }
    }

    /**
     * The column of {@link #key}: the prediction for what follows {@code prev} when its bytes match, else the
     * vectorizer's index (and that becomes the prediction). After an unknown key ({@code prev} -1) nothing is
     * predicted.
     */
    private int predicted(Utf8[] next, int[] nextCol, int prev, FlowVectorizer vectorizer) {
        if (prev < 0) { // after a key the model does not use: no prediction
            return vectorizer.column(key);
        }
        Utf8 expected = next[prev];
        int len = key.getByteLength();
        if (expected != null && expected.getByteLength() == len
                && java.util.Arrays.equals(expected.getBytes(), 0, len, key.getBytes(), 0, len)) {
            return nextCol[prev];
        }
        int col = vectorizer.column(key);
        if (col >= 0) {
            next[prev] = new Utf8(java.util.Arrays.copyOf(key.getBytes(), len));
            nextCol[prev] = col;
        }
        return col;
    }
}
