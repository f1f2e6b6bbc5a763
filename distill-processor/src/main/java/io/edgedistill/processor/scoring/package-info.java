/**
 * Traffic scoring: live models in, alerts out.
 *
 * <ul>
 *   <li>{@link io.edgedistill.processor.scoring.ModelUpdateProcessor} — global processor of {@code models.updates}:
 *       verifies each update and keeps the newest per model id;</li>
 *   <li>{@link io.edgedistill.processor.scoring.LiveModels} and {@link io.edgedistill.processor.scoring.LiveModel} —
 *       the verified, loaded model per model id, shared by all stream threads, and the refused updates;</li>
 *   <li>{@link io.edgedistill.processor.scoring.TrafficScoringProcessor} — buffers {@code edge.traffic} flows
 *       (changelogged ring buffer, exactly-once) and scores them in batches;</li>
 *   <li>{@link io.edgedistill.processor.scoring.FlowRowReader} (hot path, straight from the Avro bytes) and
 *       {@link io.edgedistill.processor.scoring.FlowVectorizer} (from a decoded flow) — a flow to a model input
 *       row;</li>
 *   <li>{@link io.edgedistill.processor.scoring.BatchedMlp} — one forward pass over a batch;
 *       {@link io.edgedistill.processor.scoring.FlowScorer} — probabilities to alerts.</li>
 * </ul>
 */
package io.edgedistill.processor.scoring;
