/**
 * Synthetic sets: from the aggregated targets to versioned synthetic sets on {@code distill.synthetic-sets}.
 *
 * <ul>
 *   <li>{@link io.edgedistill.processor.synthesis.OptimiserRunner} — runs the optimiser off the stream threads
 *       (debounced per task, warm starts) and decides whether a new version is published;</li>
 *   <li>{@link io.edgedistill.processor.synthesis.SyntheticSetState} — the last published set per task (resumed
 *       from the compacted topic on start);</li>
 *   <li>{@link io.edgedistill.processor.synthesis.SyntheticSetSink} — where versions are published (Kafka in the
 *       service, a list in tests).</li>
 * </ul>
 */
package io.edgedistill.processor.synthesis;
