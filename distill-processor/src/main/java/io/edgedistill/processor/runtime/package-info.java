/**
 * The running service around the topology: the Kafka Streams instance ({@link
 * io.edgedistill.processor.runtime.StreamsRunner}), the plain producer for round specs and synthetic sets ({@link
 * io.edgedistill.processor.runtime.KafkaPublisher}), reading a topic from the start ({@link
 * io.edgedistill.processor.runtime.TopicReader}) and the start-up order ({@link
 * io.edgedistill.processor.runtime.ProcessorLifecycle}).
 */
package io.edgedistill.processor.runtime;
