/**
 * Sub-cluster summaries and the cloud's mixture prior: the edge fits, per class, a seeded k-means on its
 * pre-processed rows and sends each sub-cluster's count, mean and per-dimension variance (every sub-cluster
 * holds at least k_min rows; a class with fewer rows sends its count only); the cloud pools the sub-clusters
 * of all edges into a count-weighted Gaussian mixture per class and samples valid rows from it.
 *
 * <p>A package of its own, not part of {@code core.summary}: those summaries are moments of the K seeded
 * embedding networks (DJL, matched by {@code core.synth}), these are input-space statistics with a different
 * privacy floor and a sampler instead of an optimiser. Nothing here depends on DJL, Kafka or Micronaut, and
 * nothing here changes the Avro {@code EdgeSummary}: the wiring is a separate step.
 */
package io.edgedistill.core.mixture;
