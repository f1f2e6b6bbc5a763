/**
 * Settings ({@link io.edgedistill.processor.config.ProcessorConfig}: {@code processor.streams.*},
 * {@code processor.rounds.*}, {@code processor.contributions.*}, {@code processor.synthesis.*},
 * {@code processor.scoring.*}; the Kafka connection is the shared {@code edgedistill.kafka.*}), the check that
 * refuses the keys of before the split ({@link io.edgedistill.processor.config.RetiredKeys}), and the Micronaut
 * wiring of the services, Kafka clients and topology ({@link io.edgedistill.processor.config.ProcessorBeans}).
 */
package io.edgedistill.processor.config;
