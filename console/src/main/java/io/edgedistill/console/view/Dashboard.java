package io.edgedistill.console.view;

import java.util.List;
import java.util.Map;

/**
 * What the page shows, as one JSON document, sent whole on every change: the newest rounds and models only (a fleet
 * of thousands would page the fleet table too). Times are ISO-8601 strings, figures are null where unknown.
 *
 * @param version    a counter that grows with every change the console has seen
 * @param references the figures only a simulation knows, and the note the page shows when there are none
 */
public record Dashboard(String taskId, long version, String updatedAt, Reference references, List<Round> rounds,
                        List<Model> models, List<Refusal> refusals, List<Edge> fleet, Attacks attacks,
                        List<Quarantine> quarantines, Health health, SetPicture projection) {

    public record Reference(Double pooledMacroF1, String pooledWhat, String note) {
    }

    /**
     * One round: its sets and models, and the bytes each edge sent for it (summaries and knowledge, Avro wire format,
     * averaged over the edges that sent).
     */
    public record Round(long roundId, String openedAt, int summaries, long bytesPerEdge, List<String> models,
                        Double validationMacroF1, Double heldOutMacroF1, List<Step> timeline) {
    }

    /** A step of a round's timeline, in seconds after the round opened. */
    public record Step(String what, double fromSeconds, double toSeconds, int count) {
    }

    /** A signed model version, how it was judged, and who runs or refused it. */
    public record Model(String model, String modelId, String cohort, long version, long syntheticSetVersion, long roundId,
                        double validationMacroF1, Double previousMacroF1, Double heldOutMacroF1, String signingKeyId,
                        String createdAt, int edgesRunning, List<String> declinedBy) {
    }

    /** A model update a consumer refused (on {@code models.updates.dlq}): who, why, when. */
    public record Refusal(String service, String reason, String at) {
    }

    /** One edge, from its newest {@code edge.status} and the quarantines the processor recorded. */
    public record Edge(String edgeId, String model, String acceptedAt, String lastSeen, long swaps, long declined,
                       String lastDeclined, long refused, long roundsAnswered, long knowledgeSent, Double localMacroF1,
                       long flowsScored, long alertsSent, int quarantines, String lastQuarantine) {
    }

    /**
     * Attack alerts.
     *
     * @param buckets    time buckets (start, ISO-8601) with counts per class
     * @param total        every alert of the task, quarantines included; byClass, topEdges and buckets count detections
     *                     on traffic only
     * @param deduplicated the newest deduplicated alerts (per edge, class and source within the window); firing is as of
     *                     the view's making (the page recomputes it against its own clock)
     */
    public record Attacks(long total, long deduplicatedCount, long windowSeconds, Map<String, Long> byClass,
                          Map<String, Long> bySource, List<Count> topEdges, List<Bucket> buckets,
                          List<Deduplicated> deduplicated) {
    }

    public record Count(String name, long count) {
    }

    public record Bucket(String start, Map<String, Long> byClass) {
    }

    public record Deduplicated(String edgeId, String attackClass, String source, String kind, long count, String first,
                               String last, double maxScore, boolean firing) {
    }

    /** A contribution the processor left out of a set, and why. */
    public record Quarantine(String edgeId, long roundId, long setVersion, String reason, double score, double threshold) {
    }

    /**
     * @param lag         consumer lag per group and topic (partitions without a committed offset are left out)
     * @param lagError    why lag could not be measured, or null
     * @param deadLetters per dead-letter topic: records, the newest's reason and service
     */
    public record Health(List<Lag> lag, String lagError, String lagMeasuredAt, List<DeadLetters> deadLetters) {
    }

    public record Lag(String group, String topic, long lag) {
    }

    public record DeadLetters(String topic, long records, String lastReason, String lastService, String lastAt) {
    }

    /**
     * The newest synthetic set and rows drawn from its mixture, projected on their two principal components.
     *
     * @param explained share of the variance along each axis
     * @param note      what is missing from the picture and why, or blank
     */
    public record SetPicture(long setVersion, List<String> classes, double[] explained, List<Point> points, String note) {
    }

    /** kind: {@code synthetic} (a row of the published compact set) or {@code generated} (drawn from the mixture). */
    public record Point(int label, String kind, double x, double y) {
    }
}
