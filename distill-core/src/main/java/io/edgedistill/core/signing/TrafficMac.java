package io.edgedistill.core.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Binds each {@code edge.traffic} record to the edge that wrote it. Traffic is far too frequent for a public-key
 * signature per record (an Ed25519 signature costs tens of microseconds; a flow is scored in about ten), so
 * flows carry an HMAC-SHA256 tag instead, keyed per edge:
 * <ul>
 *   <li>the operator keeps one <em>traffic master key</em> (32 random bytes) and gives it only to the processor;</li>
 *   <li>each edge gets its own key, derived from the master key and its id:
 *       {@code edgeKey = HMAC-SHA256(master, "edgedistill-traffic-key-v1\n" + edgeId)}
 *       ({@link #edgeKey}; the same with {@code openssl dgst -sha256 -mac HMAC}, see the production guide);</li>
 *   <li>the edge numbers its flows: an (epoch, counter) pair, 16 bytes big-endian in the header {@link #SEQ_HEADER}
 *       ({@link #seq}); the epoch is new at every start of the edge's streamer, the counter counts from 0;</li>
 *   <li>the edge tags every record: {@code tag = first 16 bytes of HMAC-SHA256(edgeKey,
 *       "edgedistill-traffic-v2\n" + topic + "\n" + recordKey + "\n" + seq + value)}, in the header
 *       {@link #MAC_HEADER}; the record key is the edge id;</li>
 *   <li>the processor derives the key of the edge the record claims (its key) and accepts the record only when the
 *       tag matches. An edge that knows only its own key cannot write flows that pass as another edge's.</li>
 * </ul>
 * The processor needs no list of edges: a new edge only needs its derived key. Since the tag covers the sequence
 * pair, a replayed flow carries a pair the processor has seen, which its replay window refuses
 * ({@code processor.scoring.replay-window}).
 * {@link Tagger} and {@link Verifier} are not thread-safe: one per thread.
 */
public final class TrafficMac {
    public static final String MAC_HEADER = "edgedistill-mac";
    /** Header of a flow's (epoch, counter) pair, {@link #SEQ_BYTES} bytes, covered by the tag. */
    public static final String SEQ_HEADER = "edgedistill-seq";
    public static final int SEQ_BYTES = 16;
    /** Tag length in bytes (HMAC-SHA256 truncated to 128 bits, as in RFC 4868's HMAC-SHA-256-128). */
    public static final int TAG_BYTES = 16;
    /** Minimum length of the master key and of an edge key. */
    public static final int MIN_KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] KEY_DOMAIN = "edgedistill-traffic-key-v1\n".getBytes(StandardCharsets.UTF_8);
    private static final String TAG_DOMAIN = "edgedistill-traffic-v2\n";

    private TrafficMac() {
    }

    /** The key of {@code edgeId} under {@code masterKey} (32 bytes): its first generation. */
    public static byte[] edgeKey(byte[] masterKey, String edgeId) {
        return edgeKey(masterKey, edgeId, 0);
    }

    /**
     * The key of generation {@code generation} of {@code edgeId}: generation 0 as above; a later one (after the
     * operator rotated or revoked the edge's traffic key, {@code ./edgedistill keys}) over
     * {@code "edgedistill-traffic-key-v1\n" + edgeId + "\n" + generation}.
     */
    public static byte[] edgeKey(byte[] masterKey, String edgeId, int generation) {
        Mac mac = mac(masterKey, "traffic master key");
        mac.update(KEY_DOMAIN);
        mac.update(edgeId.getBytes(StandardCharsets.UTF_8));
        if (generation > 0) {
            mac.update(("\n" + generation).getBytes(StandardCharsets.UTF_8));
        }
        return mac.doFinal();
    }

    /**
     * Which generations of an edge's traffic key are accepted: {@code current}, and {@code current - 1} too while
     * {@code previousAccepted} (a rotation's overlap).
     */
    public record Generation(int current, boolean previousAccepted) {
        public static final Generation FIRST = new Generation(0, false);
    }

    /** The {@link #SEQ_HEADER} value of (epoch, counter): both big-endian. */
    public static byte[] seq(long epoch, long counter) {
        return java.nio.ByteBuffer.allocate(SEQ_BYTES).putLong(epoch).putLong(counter).array();
    }

    /** The epoch of a {@link #seq} value. */
    public static long epoch(byte[] seq) {
        return java.nio.ByteBuffer.wrap(seq).getLong(0);
    }

    /** The counter of a {@link #seq} value. */
    public static long counter(byte[] seq) {
        return java.nio.ByteBuffer.wrap(seq).getLong(8);
    }

    /** Parses a Base64 key of at least {@link #MIN_KEY_BYTES} bytes; {@code what} names it in the error. */
    public static byte[] decodeKey(String base64, String what) {
        byte[] k;
        try {
            k = Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not Base64: " + e.getMessage(), e);
        }
        if (k.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(what + " has " + k.length + " bytes; at least " + MIN_KEY_BYTES
                    + " are required (openssl rand -base64 32)");
        }
        return k;
    }

    /** Computes the tags of one edge's records (one instance per thread). */
    public static final class Tagger {
        private final Mac mac;
        private final byte[] topicPart;
        private final byte[] recordKey;

        /**
         * @param edgeKey the edge's derived key ({@link #edgeKey})
         * @param edgeId  the record key every tagged record is written with
         */
        public Tagger(byte[] edgeKey, String topic, String edgeId) {
            this.mac = mac(edgeKey, "edge traffic key");
            this.topicPart = topicPart(topic);
            this.recordKey = edgeId.getBytes(StandardCharsets.UTF_8);
        }

        /** The {@link #TAG_BYTES}-byte tag of {@code value} numbered {@code seq} ({@link #seq}). */
        public byte[] tag(byte[] seq, byte[] value) {
            return TrafficMac.tag(mac, topicPart, recordKey, seq, value);
        }
    }

    /** Checks tags against keys derived from the master key; keeps up to {@code maxEdges} initialised keys. */
    public static final class Verifier {
        private final byte[] masterKey;
        private final byte[] topicPart;
        private final Map<String, Mac> macs;
        private final java.util.function.Function<String, Generation> generations;

        /** Every edge on its first key generation. */
        public Verifier(byte[] masterKey, String topic, int maxEdges) {
            this(masterKey, topic, maxEdges, edge -> Generation.FIRST);
        }

        /** @param generations the accepted key generations of an edge (they change as the operator rotates keys) */
        public Verifier(byte[] masterKey, String topic, int maxEdges, java.util.function.Function<String, Generation> generations) {
            this.generations = generations;
            mac(masterKey, "traffic master key"); // refuse a bad key at start-up, not at the first record
            this.masterKey = masterKey.clone();
            this.topicPart = topicPart(topic);
            this.macs = new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Mac> eldest) {
                    return size() > maxEdges;
                }
            };
        }

        /**
         * Why the record must be refused, or empty when {@code tag} is the tag of {@code seq} and {@code value} under
         * the key of the edge named by {@code recordKey}.
         */
        public Optional<String> check(byte[] recordKey, byte[] seq, byte[] value, byte[] tag) {
            if (recordKey == null || recordKey.length == 0) {
                return Optional.of("no record key: a flow is keyed by the id of the edge that writes it");
            }
            String edgeId = new String(recordKey, StandardCharsets.UTF_8);
            if (tag == null) {
                return Optional.of("unauthenticated: flows must carry the " + MAC_HEADER + " header (edge " + edgeId + ")");
            }
            if (seq == null || seq.length != SEQ_BYTES) {
                return Optional.of("unnumbered: flows must carry the " + SEQ_BYTES + "-byte " + SEQ_HEADER + " header (edge "
                        + edgeId + ")");
            }
            Generation g = generations.apply(edgeId);
            if (matches(edgeId, g.current(), recordKey, seq, value, tag)
                    || g.previousAccepted() && g.current() > 0 && matches(edgeId, g.current() - 1, recordKey, seq, value, tag)) {
                return Optional.empty();
            }
            return Optional.of("the " + MAC_HEADER + " tag does not match edge " + edgeId + "'s key (generation "
                    + g.current() + (g.previousAccepted() ? " or " + (g.current() - 1) : "")
                    + ") over the value (another edge's key, a rotated-out key, or altered in transit)");
        }

        private boolean matches(String edgeId, int generation, byte[] recordKey, byte[] seq, byte[] value, byte[] tag) {
            Mac mac = macs.computeIfAbsent(edgeId + "\n" + generation,
                    id -> mac(edgeKey(masterKey, edgeId, generation), "edge traffic key"));
            byte[] expected = TrafficMac.tag(mac, topicPart, recordKey, seq, value == null ? new byte[0] : value);
            return MessageDigest.isEqual(expected, tag);
        }
    }

    /** The bytes before the record key: the domain tag and the topic. */
    private static byte[] topicPart(String topic) {
        return (TAG_DOMAIN + topic + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The tag over topic part, record key, a newline, the sequence pair and the value: the one computation both sides share. */
    private static byte[] tag(Mac mac, byte[] topicPart, byte[] recordKey, byte[] seq, byte[] value) {
        mac.update(topicPart);
        mac.update(recordKey);
        mac.update((byte) '\n');
        mac.update(seq);
        mac.update(value);
        return Arrays.copyOf(mac.doFinal(), TAG_BYTES);
    }

    private static Mac mac(byte[] key, String what) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the " + what + " must have at least " + MIN_KEY_BYTES + " bytes");
        }
        try {
            Mac m = Mac.getInstance(ALGORITHM);
            m.init(new SecretKeySpec(key, ALGORITHM));
            return m;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable " + what + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        }
    }
}
