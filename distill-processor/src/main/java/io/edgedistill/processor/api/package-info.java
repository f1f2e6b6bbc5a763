/**
 * The HTTP view of the processor: {@link io.edgedistill.processor.api.ProcessorController} (rounds, targets,
 * synthetic set, quarantine, models) and {@link io.edgedistill.processor.api.ProcessorHealthIndicator}
 * ({@code /health}).
 */
package io.edgedistill.processor.api;
