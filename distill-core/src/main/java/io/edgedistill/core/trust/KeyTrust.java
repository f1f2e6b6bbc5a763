package io.edgedistill.core.trust;

import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.edgedistill.core.signing.ContributionSignature;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.TrafficMac;

/**
 * The keys a consumer trusts now: the ones its configuration gives (the bootstrap) overlaid with the newest
 * {@link TrustList} it has applied. A listed key's state overrides the configuration (so a configured key can be
 * revoked); a configured key the list does not name stays trusted. Lists apply only in sequence order: an older or
 * equal one is ignored. Thread-safe; reads are lock-free.
 */
public final class KeyTrust {

    /** Why a signing key does not sign an update. */
    public enum Refusal {
        /** Neither configured nor listed. */
        UNTRUSTED,
        /** Rotated out: the update is at or beyond the key's cut-over version for its model id. */
        RETIRED,
        /** Revoked. */
        REVOKED
    }

    /** A refusal and its explanation. */
    public record Refused(Refusal refusal, String detail) {
    }

    private record Snapshot(TrustList list, Map<String, PublicKey> updater, Map<String, ContributionSignature.EdgeKey> edge,
                            Map<String, TrafficMac.Generation> traffic, boolean edgeSignaturesRequired) {
    }

    private final Map<String, PublicKey> bootstrapUpdater;
    private final Map<String, ContributionSignature.EdgeKey> bootstrapEdge;
    private volatile Snapshot current;

    private KeyTrust(Map<String, PublicKey> updater, Map<String, ContributionSignature.EdgeKey> edge) {
        this.bootstrapUpdater = Map.copyOf(updater);
        this.bootstrapEdge = Map.copyOf(edge);
        this.current = new Snapshot(null, bootstrapUpdater, bootstrapEdge, Map.of(), !bootstrapEdge.isEmpty());
    }

    /**
     * @param updaterKeys updater keys from configuration (key id → key)
     * @param edgeKeys    edge keys from configuration (key id → edge and key)
     */
    public static KeyTrust of(Map<String, PublicKey> updaterKeys, Map<String, ContributionSignature.EdgeKey> edgeKeys) {
        return new KeyTrust(updaterKeys, edgeKeys);
    }

    /** Configured updater keys only. */
    public static KeyTrust ofUpdaterKeys(Map<String, PublicKey> updaterKeys) {
        return new KeyTrust(updaterKeys, Map.of());
    }

    /** Applies {@code list} if it is newer than the one applied; whether it was. */
    public synchronized boolean apply(TrustList list) {
        if (list.sequence() <= sequence()) {
            return false;
        }
        Map<String, PublicKey> updater = new LinkedHashMap<>(bootstrapUpdater);
        for (TrustList.UpdaterKey k : list.updaterKeys()) {
            if (k.state() == TrustList.State.REVOKED) {
                updater.remove(k.keyId());
            } else {
                updater.put(k.keyId(), Ed25519Keys.decodePublic(k.publicKey()));
            }
        }
        Map<String, ContributionSignature.EdgeKey> edge = new LinkedHashMap<>(bootstrapEdge);
        for (TrustList.EdgeKey k : list.edgeKeys()) {
            if (k.state() == TrustList.State.ACTIVE) {
                edge.put(k.keyId(), new ContributionSignature.EdgeKey(k.edgeId(), Ed25519Keys.decodePublic(k.publicKey())));
            } else {
                edge.remove(k.keyId());
            }
        }
        Map<String, TrafficMac.Generation> traffic = new java.util.HashMap<>();
        for (TrustList.TrafficKey k : list.trafficKeys()) {
            traffic.put(k.edgeId(), new TrafficMac.Generation(k.generation(), k.overlap()));
        }
        // once edge keys are known, contributions need a signature for good: revoking the last key must not end the checks
        boolean required = current.edgeSignaturesRequired() || !list.edgeKeys().isEmpty();
        current = new Snapshot(list, Map.copyOf(updater), Map.copyOf(edge), Map.copyOf(traffic), required);
        return true;
    }

    /** The sequence of the applied list; 0 before any. */
    public long sequence() {
        TrustList l = current.list();
        return l == null ? 0 : l.sequence();
    }

    /** The applied list, if any. */
    public Optional<TrustList> list() {
        return Optional.ofNullable(current.list());
    }

    /** Updater keys that sign at least some updates now (active and retired), by key id. */
    public Map<String, PublicKey> updaterKeys() {
        return current.updater();
    }

    /** Edge keys trusted now, by key id. */
    public Map<String, ContributionSignature.EdgeKey> edgeKeys() {
        return current.edge();
    }

    /** The accepted traffic key generations of an edge now ({@link TrafficMac.Verifier}; a map look-up per flow). */
    public TrafficMac.Generation trafficGeneration(String edgeId) {
        return current.traffic().getOrDefault(edgeId, TrafficMac.Generation.FIRST);
    }

    /**
     * Whether contributions must be signed: edge keys were configured, or a trust list has ever named one (even if
     * every listed key has since been revoked).
     */
    public boolean edgeSignaturesRequired() {
        return current.edgeSignaturesRequired();
    }

    /** Why {@code keyId} may not sign version {@code version} of {@code modelId}; empty when it may. */
    public Optional<Refused> refusal(String keyId, String modelId, long version) {
        Snapshot s = current;
        TrustList.UpdaterKey listed = s.list() == null ? null : s.list().updaterKey(keyId).orElse(null);
        if (listed != null) {
            switch (listed.state()) {
                case REVOKED:
                    return Optional.of(new Refused(Refusal.REVOKED, "signing key " + keyId + " is revoked (trust list "
                            + s.list().sequence() + ": " + s.list().note() + ")"));
                case RETIRED:
                    long cut = listed.cutOverOf(modelId);
                    if (version >= cut) {
                        return Optional.of(new Refused(Refusal.RETIRED, "signing key " + keyId + " is retired: it signs "
                                + modelId + " only below v" + cut + ", not v" + version + " (trust list "
                                + s.list().sequence() + ")"));
                    }
                    return Optional.empty();
                default:
                    return Optional.empty();
            }
        }
        if (!s.updater().containsKey(keyId)) {
            return Optional.of(new Refused(Refusal.UNTRUSTED, "signing key " + keyId + " is not trusted "
                    + s.updater().keySet()));
        }
        return Optional.empty();
    }

    /** The public key of an updater key that signs at least some updates now. */
    public Optional<PublicKey> updaterKey(String keyId) {
        return Optional.ofNullable(current.updater().get(keyId));
    }
}
