package io.edgedistill.schemas;

/** Names of the topics of the data flow (docs/design.md §2); dead-letter topics are {@code <topic>.dlq}. */
public final class Topics {
    public static final String ROUNDS = "distill.rounds";
    public static final String SUMMARIES = "edge.summaries";
    public static final String TRAFFIC = "edge.traffic";
    public static final String KNOWLEDGE = "edge.knowledge";
    public static final String SYNTHETIC_SETS = "distill.synthetic-sets";
    public static final String MODEL_UPDATES = "models.updates";
    public static final String ALERTS = "alerts.attacks";
    /** Edge -> cloud: what each edge runs and how it fares (compacted, key = edge id). */
    public static final String STATUS = "edge.status";
    /** Operator -> edges and processor: the root-signed list of trusted signing keys (compacted, key {@link #TRUST_KEY}). */
    public static final String TRUST = "keys.trust";
    /** The one key of {@link #TRUST}: the fleet has one trust list, and compaction keeps its newest. */
    public static final String TRUST_KEY = "fleet";
    public static final String DLQ_SUFFIX = ".dlq";

    private Topics() {
    }

    /** The suffix of the {@link #MODEL_UPDATES} key of an update for some edges only (a canary). */
    public static final String CANARY_KEY_SUFFIX = "#canary";

    public static String deadLetterTopic(String topic) {
        return topic + DLQ_SUFFIX;
    }

    /**
     * The {@link #MODEL_UPDATES} key of an update: its model id, or {@code <modelId>#canary} when it is for some edges
     * only, so that compaction keeps the fleet's model and the canaries' side by side.
     */
    public static String modelUpdateKey(String modelId, boolean forSomeEdges) {
        return forSomeEdges ? modelId + CANARY_KEY_SUFFIX : modelId;
    }

    /** The model id a {@link #MODEL_UPDATES} key names. */
    public static String modelIdOfKey(String key) {
        return key.endsWith(CANARY_KEY_SUFFIX) ? key.substring(0, key.length() - CANARY_KEY_SUFFIX.length()) : key;
    }
}
