package io.edgedistill.updater.service;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.schemas.SyntheticSet;

/**
 * The preprocessing specs known so far, by the SHA-256 of their JSON. Synthetic sets name their spec by that
 * hash; the JSON is kept as the sender wrote it, because a published update carries it and edges check its hash.
 *
 * <p>Thread-safe.
 */
final class PreprocessingSpecs {
    private final Map<String, FeatureSpec> bySha = new ConcurrentHashMap<>();
    private final Map<String, String> jsonBySha = new ConcurrentHashMap<>();

    /** A registered spec, its SHA-256, and whether that hash was new. */
    record Registration(FeatureSpec spec, String sha, boolean isNew) {
    }

    /**
     * Registers a spec under the SHA-256 of its JSON's UTF-8 bytes and, when it differs, under the hash the sender
     * declared (may be blank).
     */
    Registration register(String json, String declaredSha) {
        FeatureSpec spec = FeatureSpec.fromJson(json);
        String sha = sha256(json);
        boolean isNew = !bySha.containsKey(sha);
        put(sha, spec, json);
        if (declaredSha != null && !declaredSha.isBlank() && !declaredSha.equals(sha)) {
            put(declaredSha, spec, json);
        }
        return new Registration(spec, sha, isNew);
    }

    /** Keeps a spec that came with a restored update, unless its hash is known already. */
    void keep(String sha, FeatureSpec spec, String json) {
        bySha.putIfAbsent(sha, spec);
        jsonBySha.putIfAbsent(sha, json);
    }

    boolean knows(String sha) {
        return bySha.containsKey(sha);
    }

    /**
     * The spec of a newly arrived set, or null while it is not known. A set that names no spec uses the only one
     * known, if there is exactly one.
     */
    FeatureSpec forNewSet(SyntheticSet set) {
        String sha = set.getPreprocessingSha256();
        FeatureSpec spec = bySha.get(sha);
        if (spec == null && (sha == null || sha.isBlank()) && bySha.size() == 1) {
            spec = bySha.values().iterator().next();
        }
        return spec;
    }

    /** The spec of a set that was accepted earlier (so some spec is known): its own, else any known one. */
    FeatureSpec forAcceptedSet(SyntheticSet set) {
        FeatureSpec spec = bySha.get(set.getPreprocessingSha256());
        return spec != null ? spec : bySha.values().iterator().next();
    }

    /** The hash of the spec a set is processed with: the one the set names when it is that spec, else the spec's own. */
    String shaOf(SyntheticSet set, FeatureSpec spec) {
        String sha = set.getPreprocessingSha256();
        if (sha != null && bySha.get(sha) == spec) {
            return sha;
        }
        return sha256(spec.toJson());
    }

    /** The JSON to publish with a model trained on {@code set}: as registered, else re-serialised. */
    String jsonOf(SyntheticSet set, FeatureSpec spec) {
        return jsonBySha.getOrDefault(shaOf(set, spec), spec.toJson());
    }

    static String sha256(String json) {
        return ModelFormat.sha256Hex(json.getBytes(StandardCharsets.UTF_8));
    }

    private void put(String sha, FeatureSpec spec, String json) {
        bySha.put(sha, spec);
        jsonBySha.put(sha, json);
    }
}
