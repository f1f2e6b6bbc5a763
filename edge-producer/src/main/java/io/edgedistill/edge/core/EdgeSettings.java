package io.edgedistill.edge.core;

/**
 * Behaviour of one edge.
 *
 * @param edgeId              edge identity (record key of everything it sends)
 * @param taskId              task whose rounds and models it follows
 * @param cohort              cohort for personalised models (blank = the edge id)
 * @param preferPersonalised  keep running a personalised model when a newer global one arrives
 * @param knowledgeThreshold  send reverse-distillation knowledge when the live model's local macro-F1 is below
 *                            (an absolute floor; 0 = none)
 * @param confidenceThreshold samples predicted with a lower top probability count as unsure (knowledge)
 * @param alertThreshold      minimum probability of a predicted attack class to raise an alert
 * @param maxAlertsPerSecond  alerts above this rate are counted as suppressed, not sent
 * @param labelledTraffic     include the ground-truth label in traffic records (labelled replay)
 * @param personalisedMinGain a personalised model replaces the running one only if its macro-F1 on the edge's
 *                            labelled hold-out is at least this much higher
 * @param drift               when a fall of the live model's local scores is drift that sends knowledge
 *                            ({@link DriftWatch})
 */
public record EdgeSettings(String edgeId, String taskId, String cohort, boolean preferPersonalised,
                           double knowledgeThreshold, float confidenceThreshold, double alertThreshold,
                           int maxAlertsPerSecond, boolean labelledTraffic, double personalisedMinGain,
                           DriftTrigger drift) {

    /** Default {@link #personalisedMinGain}: one macro-F1 point. */
    public static final double DEFAULT_PERSONALISED_MIN_GAIN = 0.01;

    /**
     * Drift, measured against the live model's first reading on this edge ({@link DriftWatch}).
     *
     * @param f1Drop         a fall of the local macro-F1 by at least this much is drift; 0 = not watched
     * @param confidenceDrop  a fall of the mean top-class probability over the local rows by at least this much is
     *                        drift; 0 = not watched
     * @param classRecallDrop a fall of one class's recall by at least this much is drift; 0 = not watched
     * @param minClassRows    labelled rows a class needs for its recall to count
     */
    public record DriftTrigger(double f1Drop, double confidenceDrop, double classRecallDrop, int minClassRows) {
        /** Five points of macro-F1 or of mean confidence, or 20 points of one class's recall on 50 rows or more. */
        public static final DriftTrigger DEFAULT = new DriftTrigger(0.05, 0.05, 0.2, 50);
        /** Only the absolute floor sends knowledge. */
        public static final DriftTrigger OFF = new DriftTrigger(0, 0, 0, 50);

        public DriftTrigger {
            for (double d : new double[] {f1Drop, confidenceDrop, classRecallDrop}) {
                if (!(d >= 0 && d <= 1)) {
                    throw new IllegalArgumentException("drift drops must lie in [0, 1]: " + f1Drop + ", "
                            + confidenceDrop + ", " + classRecallDrop);
                }
            }
            if (minClassRows < 1) {
                throw new IllegalArgumentException("minClassRows must be positive: " + minClassRows);
            }
        }
    }

    public EdgeSettings {
        drift = drift == null ? DriftTrigger.DEFAULT : drift;
    }

    public EdgeSettings(String edgeId, String taskId, String cohort, boolean preferPersonalised, double knowledgeThreshold,
                        float confidenceThreshold, double alertThreshold, int maxAlertsPerSecond, boolean labelledTraffic,
                        double personalisedMinGain) {
        this(edgeId, taskId, cohort, preferPersonalised, knowledgeThreshold, confidenceThreshold, alertThreshold,
                maxAlertsPerSecond, labelledTraffic, personalisedMinGain, DriftTrigger.DEFAULT);
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
