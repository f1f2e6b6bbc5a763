package io.edgedistill.updater.service;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The live model of each model id (a task id, or {@code taskId/cohort}). Thread-safe; readers get snapshots. */
final class LiveModels {
    private final Map<String, LiveModel> byModelId = new ConcurrentHashMap<>();
    /** The highest version published per model id, canaries included (they are not live for the fleet). */
    private final Map<String, Long> highest = new ConcurrentHashMap<>();

    /** The live model of {@code modelId}, or null. */
    LiveModel get(String modelId) {
        return byModelId.get(modelId);
    }

    void put(LiveModel live) {
        byModelId.put(live.update().getModelId(), live);
        published(live.update().getModelId(), live.update().getVersion());
    }

    /** A version of {@code modelId} went out (to the fleet or to some edges). */
    void published(String modelId, long version) {
        highest.merge(modelId, version, Math::max);
    }

    /** The version the next model of {@code modelId} gets: versions are monotonic per model id, from 1. */
    long nextVersion(String modelId) {
        return highest.getOrDefault(modelId, 0L) + 1;
    }

    Collection<LiveModel> all() {
        return List.copyOf(byModelId.values());
    }
}
