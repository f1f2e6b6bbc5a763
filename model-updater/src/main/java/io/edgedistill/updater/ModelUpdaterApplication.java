package io.edgedistill.updater;

import io.micronaut.runtime.Micronaut;

/**
 * The model-updater service: {@code java -cp ... io.edgedistill.updater.ModelUpdaterApplication} (or
 * {@code ./mvnw -pl model-updater exec:java}); configuration in {@code application.yml}, overridable with
 * system properties or environment variables (e.g. {@code UPDATER_KAFKA_BOOTSTRAP_SERVERS}).
 */
public final class ModelUpdaterApplication {
    private ModelUpdaterApplication() {
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Micronaut.run(ModelUpdaterApplication.class, args);
    }
}
