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
    public static final String DLQ_SUFFIX = ".dlq";

    private Topics() {
    }

    public static String deadLetterTopic(String topic) {
        return topic + DLQ_SUFFIX;
    }
}
