package io.edgedistill.edge.app;

import java.time.Duration;
import java.util.List;

import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.ModelVerifier;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;

/**
 * For tests of the configuration alone ({@link #ONLY}{@code =true}): an edge that is built but never started, in
 * place of {@link EdgeFactory}'s, which would connect to Kafka and load the tensor engine.
 */
@Factory
@Requires(property = UnstartedEdge.ONLY, value = "true")
class UnstartedEdge {
    /** The property that turns it on. */
    static final String ONLY = "test.edge.configuration-only";

    @Context
    @Bean(preDestroy = "close")
    @Replaces(bean = EdgeRuntime.class, factory = EdgeFactory.class)
    EdgeRuntime unstarted(EdgeConfig config) {
        return EdgeRuntime.create(config.edgeSettings(), LocalData.generated(1, 200, null), ModelVerifier.fromConfig(List.of()),
                new EdgeRuntime.Settings(KafkaClientSettings.localStack(), null, false, 1, Duration.ofHours(1)));
    }
}
