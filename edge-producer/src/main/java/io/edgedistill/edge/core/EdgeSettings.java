package io.edgedistill.edge.core;

import io.edgedistill.core.personal.DriftRule;

/**
 * Behaviour of one edge.
 *
 * @param edgeId              edge identity (record key of everything it sends)
 * @param taskId              task whose rounds and models it follows
 * @param cohort              cohort for personalised models (blank = the edge id)
 * @param preferPersonalised  keep running a personalised model when a newer global one arrives
 * @param knowledgeThreshold  send reverse-distillation knowledge when the live model's local macro-F1 is below
 *                            (an absolute floor; 0 = none; an edge that sends no knowledge at all has floor 0 and
 *                            {@link DriftRule.Trigger#OFF})
 * @param confidenceThreshold samples predicted with a lower top probability count as unsure (knowledge)
 * @param alertThreshold      minimum probability of a predicted attack class to raise an alert
 * @param maxAlertsPerSecond  alerts above this rate are counted as suppressed, not sent
 * @param labelledTraffic     include the ground-truth label in traffic records (labelled replay)
 * @param personalisedMinGain a personalised model replaces the running one only if its macro-F1 on the edge's
 *                            labelled hold-out is at least this much higher
 * @param drift               when a fall of the live model's local scores below its first reading is drift that
 *                            sends knowledge ({@link DriftRule}, {@link DriftWatch})
 */
public record EdgeSettings(String edgeId, String taskId, String cohort, boolean preferPersonalised,
                           double knowledgeThreshold, float confidenceThreshold, double alertThreshold,
                           int maxAlertsPerSecond, boolean labelledTraffic, double personalisedMinGain,
                           DriftRule.Trigger drift) {

    /** Default {@link #personalisedMinGain}: one macro-F1 point. */
    public static final double DEFAULT_PERSONALISED_MIN_GAIN = 0.01;

    public EdgeSettings {
        drift = drift == null ? DriftRule.Trigger.DEFAULT : drift;
    }

    public EdgeSettings(String edgeId, String taskId, String cohort, boolean preferPersonalised, double knowledgeThreshold,
                        float confidenceThreshold, double alertThreshold, int maxAlertsPerSecond, boolean labelledTraffic,
                        double personalisedMinGain) {
        this(edgeId, taskId, cohort, preferPersonalised, knowledgeThreshold, confidenceThreshold, alertThreshold,
                maxAlertsPerSecond, labelledTraffic, personalisedMinGain, DriftRule.Trigger.DEFAULT);
    }

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
