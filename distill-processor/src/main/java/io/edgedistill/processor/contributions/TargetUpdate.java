package io.edgedistill.processor.contributions;

import java.util.List;

import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.schemas.RoundSpec;

/**
 * The global targets of a task's round after a change, with provenance, handed from the stream thread to
 * the optimiser (and the HTTP API).
 *
 * @param taskId      task
 * @param round       the round spec the targets belong to
 * @param targets     count-weighted targets over accepted contributions
 * @param accepted    accepted contributions
 * @param mixture     the sub-clusters of the accepted data summaries, counts bounded as in the targets (the
 *                    synthetic set's mixture)
 * @param excluded    quarantined contributions
 * @param revision    increases with every change of this task's targets (in this process)
 * @param updatedAt   epoch millis
 */
public record TargetUpdate(String taskId, RoundSpec round, TargetSnapshot targets, List<SummaryStats> accepted,
                           List<SubClusterSummary> mixture, List<QuarantineEntry> excluded, long revision, long updatedAt) {
    public long roundId() {
        return round.getRoundId();
    }
}
