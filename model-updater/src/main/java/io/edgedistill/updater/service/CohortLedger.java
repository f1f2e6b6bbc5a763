package io.edgedistill.updater.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.SyntheticSet;

/**
 * What the updater remembers about cohorts: the knowledge each cohort's model was personalised on (to refresh it
 * on every new synthetic set), the last knowledge handled per model (edges repeat their reports), and how many
 * personalisations each model has had on each synthetic-set version (an edge whose personalised model still
 * underperforms keeps reporting: the budget bounds that loop until the next set).
 *
 * <p>Not thread-safe: the service serialises its use.
 */
final class CohortLedger {
    private final Map<String, EdgeKnowledge> knowledgeByModelId = new LinkedHashMap<>();
    private final Map<String, String> handledByModelId = new HashMap<>();
    private final Map<String, Integer> personalisations = new HashMap<>();

    /**
     * Marks the knowledge as handled for {@code modelId}; false when it was the last knowledge handled there
     * (the same deployed model and synthetic set).
     */
    boolean firstTime(String modelId, EdgeKnowledge knowledge, SyntheticSet set) {
        String key = key(knowledge, set);
        return !key.equals(handledByModelId.put(modelId, key));
    }

    /** The personalisations of {@code modelId} on this set version so far. */
    int personalisations(String modelId, SyntheticSet set) {
        return personalisations.getOrDefault(budgetKey(modelId, set), 0);
    }

    void countPersonalisation(String modelId, SyntheticSet set) {
        personalisations.merge(budgetKey(modelId, set), 1, Integer::sum);
    }

    /** The knowledge {@code modelId} was last personalised on, or null. */
    EdgeKnowledge knowledge(String modelId) {
        return knowledgeByModelId.get(modelId);
    }

    void remember(String modelId, EdgeKnowledge merged) {
        knowledgeByModelId.put(modelId, merged);
    }

    /** The knowledge of the cohorts of {@code taskId}, in the order the cohorts first sent some. */
    List<EdgeKnowledge> knowledgeOfTask(String taskId) {
        List<EdgeKnowledge> out = new ArrayList<>();
        for (EdgeKnowledge k : knowledgeByModelId.values()) {
            if (k.getTaskId().equals(taskId)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Knowledge about which deployed model, relative to which set. */
    static String key(EdgeKnowledge knowledge, SyntheticSet set) {
        return knowledge.getModelId() + "@" + knowledge.getModelVersion() + "/set" + set.getVersion();
    }

    private static String budgetKey(String modelId, SyntheticSet set) {
        return modelId + "/set" + set.getVersion();
    }
}
