package io.edgedistill.updater.service;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The live model of each model id (a task id, or {@code taskId/cohort}). Thread-safe; readers get snapshots. */
final class LiveModels {
    private final Map<String, LiveModel> byModelId = new ConcurrentHashMap<>();

    /** The live model of {@code modelId}, or null. */
    LiveModel get(String modelId) {
        return byModelId.get(modelId);
    }

    void put(LiveModel live) {
        byModelId.put(live.update().getModelId(), live);
    }

    /** The version the next model of {@code modelId} gets: versions are monotonic per model id, from 1. */
    long nextVersion(String modelId) {
        LiveModel current = byModelId.get(modelId);
        return current == null ? 1 : current.update().getVersion() + 1;
    }

    Collection<LiveModel> all() {
        return List.copyOf(byModelId.values());
    }
}
