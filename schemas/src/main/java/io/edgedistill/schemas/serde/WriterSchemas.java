package io.edgedistill.schemas.serde;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.serde.kafka.KafkaDeserializer;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Finds the writer schema behind a wire-format payload's schema id, for readers that decode Avro bodies
 * themselves (a hot path that must not build generic records) and need to know the exact layout the
 * producer wrote. Never throws: an id that cannot be resolved is simply unknown, and such readers fall back
 * to the regular deserializer.
 */
@FunctionalInterface
public interface WriterSchemas {

    /** The writer schema registered under this id, when it can be found. */
    Optional<Schema> byId(int schemaId);

    /** Knows no schema: every payload takes the regular path. */
    static WriterSchemas none() {
        return id -> Optional.empty();
    }

    /**
     * The schemas a deserializer already resolves: the registry's (through the Apicurio deserializer's own
     * resolver, with its cache, configuration and credentials) or a {@link PlainAvroSerde}'s single fixed id.
     * Any other deserializer knows none.
     */
    static WriterSchemas of(Deserializer<?> deserializer) {
        if (deserializer instanceof WriterSchemas ws) {
            return ws;
        }
        if (deserializer instanceof KafkaDeserializer<?, ?> k) {
            ConcurrentHashMap<Integer, Optional<Schema>> cache = new ConcurrentHashMap<>();
            return id -> cache.computeIfAbsent(id, key -> {
                try {
                    SchemaLookupResult<?> r = k.getSchemaResolver().resolveSchemaByArtifactReference(
                            ArtifactReference.fromContentId((long) key));
                    Object parsed = r == null || r.getParsedSchema() == null ? null : r.getParsedSchema().getParsedSchema();
                    return parsed instanceof Schema s ? Optional.of(s) : Optional.empty();
                } catch (RuntimeException e) {
                    return Optional.empty(); // unknown id, registry away: the regular path decides (and dead-letters)
                }
            });
        }
        return none();
    }
}
