package io.edgedistill.schemas.serde;

import java.util.Map;
import java.util.TreeMap;

/**
 * How a client reaches the schema registry: the native v3 API's URL and the client keys that go with it
 * ({@code apicurio.registry.auth.*}, {@code apicurio.registry.tls.*}, {@code apicurio.registry.auto-register}; see
 * {@link io.edgedistill.schemas.security.KafkaClientSecurity#registrySettings}). An open registry (the unsecured local
 * stack) needs the URL alone, and its clients register the schemas they write; a secured one gives each principal
 * credentials and, but for the operator, read access only: such clients set {@code auto-register=false} and find the
 * schema they write by its content among the versions registered beforehand ({@link SchemaCatalog}).
 *
 * @param url      the native v3 API, e.g. {@code https://registry:8443/apis/registry/v3}
 * @param settings the registry client keys; never logged ({@link #toString()})
 */
public record RegistryAccess(String url, Map<String, String> settings) {

    public RegistryAccess {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the schema registry URL is not configured");
        }
        settings = Map.copyOf(settings == null ? Map.of() : new TreeMap<>(settings));
    }

    /** An open registry: no credentials, the platform's trust store, clients register what they write. */
    public static RegistryAccess open(String url) {
        return new RegistryAccess(url, Map.of());
    }

    /** Whether this client registers the schemas it writes (default yes; a read-only principal does not). */
    public boolean autoRegister() {
        return Boolean.parseBoolean(settings.getOrDefault(AvroSerdes.AUTO_REGISTER, "true"));
    }

    /** The URL and the user; never a password or secret. */
    @Override
    public String toString() {
        String user = settings.getOrDefault("apicurio.registry.auth.username", settings.get("apicurio.registry.auth.client.id"));
        return url + (user == null ? "" : " as " + user) + (autoRegister() ? "" : " (read-only)");
    }
}
