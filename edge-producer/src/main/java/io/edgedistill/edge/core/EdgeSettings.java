package io.edgedistill.edge.core;

/**
 * Behaviour of one edge.
 *
 * @param edgeId              edge identity (record key of everything it sends)
 * @param taskId              task whose rounds and models it follows
 * @param cohort              cohort for personalised models (blank = the edge id)
 * @param preferPersonalised  keep running a personalised model when a newer global one arrives
 * @param knowledgeThreshold  send reverse-distillation knowledge when the live model's local macro-F1 is below
 * @param confidenceThreshold samples predicted with a lower top probability count as unsure (knowledge)
 * @param alertThreshold      minimum probability of a predicted attack class to raise an alert
 * @param maxAlertsPerSecond  alerts above this rate are counted as suppressed, not sent
 * @param labelledTraffic     include the ground-truth label in traffic records (labelled replay)
 * @param personalisedMinGain a personalised model replaces the running one only if its macro-F1 on the edge's
 *                            labelled hold-out is at least this much higher
 */
public record EdgeSettings(String edgeId, String taskId, String cohort, boolean preferPersonalised,
                           double knowledgeThreshold, float confidenceThreshold, double alertThreshold,
                           int maxAlertsPerSecond, boolean labelledTraffic, double personalisedMinGain) {

    /** Default {@link #personalisedMinGain}: one macro-F1 point. */
    public static final double DEFAULT_PERSONALISED_MIN_GAIN = 0.01;

    public EdgeSettings(String edgeId, String taskId, String cohort, boolean preferPersonalised, double knowledgeThreshold,
                        float confidenceThreshold, double alertThreshold, int maxAlertsPerSecond, boolean labelledTraffic) {
        this(edgeId, taskId, cohort, preferPersonalised, knowledgeThreshold, confidenceThreshold, alertThreshold,
                maxAlertsPerSecond, labelledTraffic, DEFAULT_PERSONALISED_MIN_GAIN);
    }

    public static EdgeSettings defaults(String edgeId, String taskId) {
        return new EdgeSettings(edgeId, taskId, "", true, 0.85, 0.6f, 0.5, 200, true);
    }

    public String cohortOrEdge() {
        return cohort == null || cohort.isBlank() ? edgeId : cohort;
    }
}
