/**
 * Contributions: what edges send to improve the task's targets, from intake to aggregation.
 *
 * <ul>
 *   <li>{@link io.edgedistill.processor.contributions.ContributionIntakeProcessor} — first stage of
 *       {@code edge.summaries} and {@code edge.knowledge}: decode, check the edge's signature (when edge keys are
 *       configured), validate against the current round, or dead-letter;</li>
 *   <li>{@link io.edgedistill.processor.contributions.ContributionAdapter} — the one validation and mapping of both
 *       Avro records ({@code EdgeSummary}, {@code EdgeKnowledge}) to the core summary;</li>
 *   <li>{@link io.edgedistill.processor.contributions.AggregationProcessor} and
 *       {@link io.edgedistill.processor.contributions.AggregationState} — per task and round: latest submission per
 *       (kind, edge), poisoning detector, count-weighted targets; the processor keeps them in changelogged stores,
 *       the state object holds the logic without Kafka;</li>
 *   <li>{@link io.edgedistill.processor.contributions.QuarantineEntry} — a contribution the detector excluded, as
 *       stored and shown on {@code /quarantine};</li>
 *   <li>{@link io.edgedistill.processor.contributions.TargetUpdate} and
 *       {@link io.edgedistill.processor.contributions.TargetsRegistry} — the aggregation's result, handed to the
 *       optimiser ({@code synthesis}) and the HTTP API;</li>
 *   <li>{@link io.edgedistill.processor.contributions.CoreSummaryCodec} — the internal binary form of a validated
 *       core summary (repartition topic, submissions store).</li>
 * </ul>
 */
package io.edgedistill.processor.contributions;
