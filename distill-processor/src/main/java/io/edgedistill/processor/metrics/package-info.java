/**
 * The processor's counters ({@link io.edgedistill.processor.metrics.ProcessorMetrics}), exported on
 * {@code /prometheus} as {@code edgedistill_processor_*}; every feature package counts through them.
 */
package io.edgedistill.processor.metrics;
