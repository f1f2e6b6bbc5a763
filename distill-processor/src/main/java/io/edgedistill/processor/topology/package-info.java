/**
 * The Kafka Streams topology, wired in one place: {@link io.edgedistill.processor.topology.ProcessorTopology}
 * declares every topic and store name, the value serdes and the streams settings, and connects the stages of the
 * feature packages ({@code rounds}, {@code contributions}, {@code scoring}).
 * {@link io.edgedistill.processor.topology.DeadLetteringDecoder} is what every stage shares: decoding inside the
 * topology, with the dead letter returned to the stage so that the stream task's producer writes it.
 */
package io.edgedistill.processor.topology;
