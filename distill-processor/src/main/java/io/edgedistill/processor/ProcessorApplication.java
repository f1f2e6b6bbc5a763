package io.edgedistill.processor;

import io.micronaut.runtime.Micronaut;

/**
 * The distill-processor service: {@code java -cp ... io.edgedistill.processor.ProcessorApplication}. Settings
 * in application.yml under {@code processor.*}, overridable by env (PROCESSOR_BOOTSTRAP_SERVERS, ...).
 */
public final class ProcessorApplication {
    private ProcessorApplication() {
    }

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // before any DJL class loads
        }
        Micronaut.run(ProcessorApplication.class, args);
    }
}
