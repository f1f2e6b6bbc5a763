/**
 * Settings ({@link io.edgedistill.processor.config.ProcessorConfig}, {@code processor.*} in application.yml) and
 * the Micronaut wiring of the services, Kafka clients and topology ({@link
 * io.edgedistill.processor.config.ProcessorBeans}).
 */
package io.edgedistill.processor.config;
