package io.edgedistill.core.trust;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.edgedistill.core.signing.Ed25519Keys;

/**
 * The fleet's trust list: which keys may sign model updates (the updater's) and contributions (each edge's), and
 * in what state. The operator signs it with an offline root key ({@link SignedTrustList}) and publishes it on the
 * compacted {@code keys.trust} topic; edges and the processor apply the newest one they can verify
 * ({@link KeyTrust}). A newer list replaces the older one whole; {@link #sequence} only grows, so an old list
 * cannot be replayed to trust a revoked key again.
 *
 * <p>An updater key is {@link State#ACTIVE} (signs anything), {@link State#RETIRED} (rotated out: an update it
 * signed is accepted only below its model id's cut-over version, so every update it signed before the rotation
 * stays valid and nothing newer does) or {@link State#REVOKED} (refused, and a model it signed is taken out of
 * service). An edge key is {@code ACTIVE} or not trusted (retired and revoked alike: contributions carry no
 * version).
 *
 * @param sequence    grows with every list the operator publishes
 * @param issuedAt    when the operator signed it (ISO-8601 instant)
 * @param note        why (shown in logs and the edges' status)
 * @param updaterKeys keys that sign model updates
 * @param edgeKeys    keys that sign the edges' contributions and statuses
 * @param trafficKeys the generation of each edge's traffic key that is not the first (derived from the traffic master
 *                    key, {@code TrafficMac#edgeKey(byte[], String, int)})
 * @param distrustedEdges edges the operator no longer trusts (decommissioned or compromised): their contributions
 *                    and flows are refused, and their past contributions leave the current targets
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrustList(long sequence, String issuedAt, String note, List<UpdaterKey> updaterKeys,
                        List<EdgeKey> edgeKeys, List<TrafficKey> trafficKeys, List<String> distrustedEdges) {

    /**
     * The traffic key an edge tags its flows with: generation 0 is the one derived from the edge id alone; a rotation
     * moves to the next generation and, while {@code overlap}, still accepts the previous one (the edge is being
     * given its new key); a revocation moves on without overlap.
     */
    public record TrafficKey(String edgeId, int generation, boolean overlap) {
        public TrafficKey {
            Objects.requireNonNull(edgeId, "edgeId");
            if (generation < 0) {
                throw new IllegalArgumentException("traffic key generation " + generation + " of " + edgeId);
            }
        }
    }

    /** The state of a listed key. */
    public enum State {
        ACTIVE, RETIRED, REVOKED
    }

    /**
     * A key of the updater.
     *
     * @param keyId     its id (as updates name it in {@code signingKeyId})
     * @param publicKey Base64 X.509 Ed25519 public key
     * @param state     its state
     * @param cutOver   for a retired key: model id → the first version it no longer signs (absent model ids: none)
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record UpdaterKey(String keyId, String publicKey, State state, Map<String, Long> cutOver) {
        public UpdaterKey {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(state, "state");
            cutOver = cutOver == null ? Map.of() : Map.copyOf(new TreeMap<>(cutOver));
        }

        /** The first version of {@code modelId} this key no longer signs; none for an active key. */
        public long cutOverOf(String modelId) {
            return state == State.ACTIVE ? Long.MAX_VALUE : state == State.REVOKED ? 0 : cutOver.getOrDefault(modelId, 0L);
        }
    }

    /**
     * A key of an edge.
     *
     * @param edgeId    the edge it signs for
     * @param keyId     its id ({@link Ed25519Keys#keyId})
     * @param publicKey Base64 X.509 Ed25519 public key
     * @param state     {@code ACTIVE}, or a state that no longer trusts it
     */
    public record EdgeKey(String edgeId, String keyId, String publicKey, State state) {
        public EdgeKey {
            Objects.requireNonNull(edgeId, "edgeId");
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(state, "state");
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public TrustList {
        if (sequence < 1) {
            throw new IllegalArgumentException("a trust list's sequence starts at 1, not " + sequence);
        }
        Instant.parse(Objects.requireNonNull(issuedAt, "issuedAt"));
        note = note == null ? "" : note;
        updaterKeys = List.copyOf(updaterKeys == null ? List.of() : updaterKeys);
        edgeKeys = List.copyOf(edgeKeys == null ? List.of() : edgeKeys);
        trafficKeys = List.copyOf(trafficKeys == null ? List.of() : trafficKeys);
        distrustedEdges = distrustedEdges == null ? List.of()
                : distrustedEdges.stream().map(String::strip).filter(e -> !e.isEmpty()).distinct().sorted().toList();
        if (trafficKeys.stream().map(TrafficKey::edgeId).distinct().count() != trafficKeys.size()) {
            throw new IllegalArgumentException("an edge's traffic key is listed twice");
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (UpdaterKey k : updaterKeys) {
            checkKey(k.keyId(), k.publicKey());
            if (!ids.add(k.keyId())) {
                throw new IllegalArgumentException("updater key " + k.keyId() + " is listed twice");
            }
        }
        for (EdgeKey k : edgeKeys) {
            checkKey(k.keyId(), k.publicKey());
            if (!ids.add(k.keyId())) {
                throw new IllegalArgumentException("key " + k.keyId() + " is listed twice");
            }
        }
    }

    /** A key's id must be the one its public key gives, so that no entry can borrow another key's id. */
    private static void checkKey(String keyId, String publicKey) {
        String actual = Ed25519Keys.keyId(Ed25519Keys.decodePublic(publicKey));
        if (!actual.equals(keyId)) {
            throw new IllegalArgumentException("key id " + keyId + " does not match its public key (" + actual + ")");
        }
    }

    /** The next list, one sequence later, with these keys (traffic keys and distrusted edges carried over). */
    public TrustList next(Instant issuedAt, String note, List<UpdaterKey> updaterKeys, List<EdgeKey> edgeKeys) {
        return new TrustList(sequence + 1, issuedAt.toString(), note, updaterKeys, edgeKeys, trafficKeys, distrustedEdges);
    }

    /** The first list. */
    public static TrustList first(Instant issuedAt, String note, List<UpdaterKey> updaterKeys, List<EdgeKey> edgeKeys) {
        return new TrustList(1, issuedAt.toString(), note, updaterKeys, edgeKeys, List.of(), List.of());
    }

    /** This list under another sequence number (the publisher numbers it above every list on the topic). */
    public TrustList withSequence(long s) {
        return new TrustList(s, issuedAt, note, updaterKeys, edgeKeys, trafficKeys, distrustedEdges);
    }

    /** This list with another traffic key entry for its edge. */
    public TrustList withTrafficKey(TrafficKey k) {
        List<TrafficKey> out = new java.util.ArrayList<>(trafficKeys.stream().filter(e -> !e.edgeId().equals(k.edgeId())).toList());
        out.add(k);
        return new TrustList(sequence, issuedAt, note, updaterKeys, edgeKeys, out, distrustedEdges);
    }

    /** This list with these distrusted edges. */
    public TrustList withDistrustedEdges(List<String> edges) {
        return new TrustList(sequence, issuedAt, note, updaterKeys, edgeKeys, trafficKeys, edges);
    }

    /** The traffic key generation of an edge (generation 0, no overlap, when not listed). */
    public TrafficKey trafficKey(String edgeId) {
        return trafficKeys.stream().filter(k -> k.edgeId().equals(edgeId)).findFirst().orElse(new TrafficKey(edgeId, 0, false));
    }

    /** The updater key with this id, if listed. */
    public java.util.Optional<UpdaterKey> updaterKey(String keyId) {
        return updaterKeys.stream().filter(k -> k.keyId().equals(keyId)).findFirst();
    }

    /** Canonical JSON (sorted properties and map keys): the bytes the root key signs. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a trust list", e);
        }
    }

    public static TrustList fromJson(String json) {
        try {
            return JSON.readValue(json, TrustList.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a trust list: " + e.getOriginalMessage(), e);
        }
    }
}
