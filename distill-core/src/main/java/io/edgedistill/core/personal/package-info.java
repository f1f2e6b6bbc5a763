/**
 * Reverse distillation's algorithm, free of Kafka and Micronaut: what a drifted edge sends
 * ({@link io.edgedistill.core.personal.HardSampleKnowledge}: knowledge v2) and how the cloud turns it into the cohort's
 * model ({@link io.edgedistill.core.personal.CohortTraining}). The edge-producer and the model-updater call these; the
 * evaluation harness measures the same code (docs/results.md, "Reverse distillation").
 */
package io.edgedistill.core.personal;
