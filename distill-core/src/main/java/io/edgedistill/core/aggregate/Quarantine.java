package io.edgedistill.core.aggregate;

/**
 * A summary excluded by the {@link PoisonDetector}, with the evidence.
 *
 * @param edgeId     edge
 * @param roundId    round
 * @param classIndex class whose mean was most anomalous
 * @param score      z: median over the peers of the squared distance to the peer's class mean, in units of
 *                   its expected sampling variance
 * @param threshold  threshold z was compared with
 * @param normRatio  ‖class mean‖ / median of the peers' ‖class mean‖ (≫ 1 or ≪ 1 for scaled updates)
 * @param peers      number of peer summaries the class was compared with
 * @param reason     human-readable reason, suitable for provenance records and alerts
 */
public record Quarantine(String edgeId, long roundId, int classIndex, double score, double threshold,
                         double normRatio, int peers, String reason) {
}
