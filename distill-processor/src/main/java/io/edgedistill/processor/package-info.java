/**
 * The distill-processor service. {@link io.edgedistill.processor.ProcessorApplication} is its main class (other
 * modules start it as a child JVM by this name). The code is organised by feature:
 * <ul>
 *   <li>{@code rounds} — round specs: built, published, and read back as the current round per task;</li>
 *   <li>{@code contributions} — edge summaries and knowledge: intake, validation, aggregation, quarantine;</li>
 *   <li>{@code synthesis} — the synthetic-set optimiser and the published sets;</li>
 *   <li>{@code scoring} — live models and batched traffic scoring;</li>
 *   <li>{@code topology} — the one place the Kafka Streams topology is wired (topics and stores declared once);</li>
 *   <li>{@code runtime}, {@code api}, {@code config}, {@code metrics} — the service around it: Kafka clients and
 *       start-up, HTTP, settings and wiring, counters.</li>
 * </ul>
 */
package io.edgedistill.processor;
