package io.edgedistill.schemas.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The security settings of a Kafka client: the one place every EdgeDistill service takes them from, so that
 * every producer, consumer, admin and Kafka Streams client of a service connects as the same principal.
 *
 * <p>Holds only the client keys that concern security ({@code security.protocol}, {@code sasl.*},
 * {@code ssl.*}); {@link #applyTo} copies them into a client configuration. A client properties file may also hold
 * the schema registry's client settings, as Confluent's client files hold {@code schema.registry.*}: every
 * {@code apicurio.registry.*} key but the URL (credentials {@code apicurio.registry.auth.username}/{@code .password}
 * or OAuth2 client credentials, the registry's TLS trust {@code apicurio.registry.tls.*},
 * {@code apicurio.registry.auto-register}); they are kept apart ({@link #registrySettings}) and never reach a Kafka
 * client. {@link #none()} is a plaintext,
 * unauthenticated client (the default of the unsecured local stack). A service builds its value with
 * {@link #resolve} from its configuration keys ({@code <service>...client-properties}, {@code security-protocol},
 * {@code sasl-mechanism}, {@code sasl-username}, {@code sasl-password}); a client properties file written by the
 * secured local stack or by {@code edgedistill provision} can be used as is. {@link #toString()} never shows
 * a secret.
 */
public final class KafkaClientSecurity {

    public static final String SECURITY_PROTOCOL = "security.protocol";
    public static final String SASL_MECHANISM = "sasl.mechanism";
    public static final String SASL_JAAS_CONFIG = "sasl.jaas.config";
    /** The mechanism of the EdgeDistill brokers' client listener. */
    public static final String DEFAULT_MECHANISM = "SCRAM-SHA-512";

    /** The prefix of the registry client keys a client properties file may hold. */
    public static final String REGISTRY_PREFIX = "apicurio.registry.";
    private static final String REGISTRY_URL = REGISTRY_PREFIX + "url";

    private static final KafkaClientSecurity NONE = new KafkaClientSecurity(Map.of(), Map.of());
    private static final Pattern JAAS_USER = Pattern.compile("username\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern JAAS_PASSWORD = Pattern.compile("(password\\s*=\\s*\")((?:[^\"\\\\]|\\\\.)*)(\")");

    private final Map<String, String> settings;
    private final Map<String, String> registry;

    private KafkaClientSecurity(Map<String, String> settings, Map<String, String> registry) {
        this.settings = Collections.unmodifiableMap(new TreeMap<>(settings));
        this.registry = Collections.unmodifiableMap(new TreeMap<>(registry));
    }

    /** A plaintext, unauthenticated client. */
    public static KafkaClientSecurity none() {
        return NONE;
    }

    /** SASL/SCRAM-SHA-512 without TLS (loopback or a private network; use {@link #sasl} with SASL_SSL elsewhere). */
    public static KafkaClientSecurity scram(String username, String password) {
        return sasl("SASL_PLAINTEXT", DEFAULT_MECHANISM, username, password);
    }

    /**
     * A SASL client.
     *
     * @param protocol  SASL_PLAINTEXT or SASL_SSL
     * @param mechanism SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN
     */
    public static KafkaClientSecurity sasl(String protocol, String mechanism, String username, String password) {
        if (!protocol.startsWith("SASL_")) {
            throw new IllegalArgumentException("a SASL client needs security.protocol SASL_PLAINTEXT or SASL_SSL, not " + protocol);
        }
        Map<String, String> m = new TreeMap<>();
        m.put(SECURITY_PROTOCOL, protocol);
        m.put(SASL_MECHANISM, mechanism);
        m.put(SASL_JAAS_CONFIG, jaasConfig(mechanism, username, password));
        return new KafkaClientSecurity(m, Map.of());
    }

    /**
     * The security keys of a client configuration, and its registry client keys (other keys, e.g. bootstrap.servers
     * or the registry's URL, are ignored).
     */
    public static KafkaClientSecurity fromProperties(Map<?, ?> properties) {
        Map<String, String> m = new TreeMap<>();
        Map<String, String> r = new TreeMap<>();
        properties.forEach((k, v) -> {
            String key = String.valueOf(k).trim();
            if (v == null) {
                return;
            }
            if (key.equals(SECURITY_PROTOCOL) || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                m.put(key, String.valueOf(v).trim());
            } else if (key.startsWith(REGISTRY_PREFIX) && !key.equals(REGISTRY_URL)) {
                r.put(key, String.valueOf(v).trim());
            }
        });
        return m.isEmpty() && r.isEmpty() ? NONE : new KafkaClientSecurity(m, r);
    }

    /** Reads a Kafka client properties file (as {@code kafka-console-consumer --consumer.config} takes). */
    public static KafkaClientSecurity fromFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Kafka client properties file " + file + ": " + e, e);
        }
        return fromProperties(p);
    }

    /**
     * The security of a service from its configuration keys. A non-blank {@code clientPropertiesFile} is read
     * first; a non-blank {@code username} then sets SASL credentials ({@code mechanism} default SCRAM-SHA-512,
     * {@code protocol} default SASL_PLAINTEXT); a non-blank {@code protocol} alone sets the protocol (e.g. SSL).
     * All blank: {@link #none()}.
     */
    public static KafkaClientSecurity resolve(String clientPropertiesFile, String protocol, String mechanism, String username,
                                              String password) {
        Map<String, String> m = new TreeMap<>();
        Map<String, String> registry = Map.of();
        if (!blank(clientPropertiesFile)) {
            KafkaClientSecurity file = fromFile(Path.of(clientPropertiesFile.trim()));
            m.putAll(file.settings);
            registry = file.registry;
        }
        if (!blank(username)) {
            String mech = !blank(mechanism) ? mechanism.trim() : m.getOrDefault(SASL_MECHANISM, DEFAULT_MECHANISM);
            String proto = !blank(protocol) ? protocol.trim() : m.getOrDefault(SECURITY_PROTOCOL, "SASL_PLAINTEXT");
            m.putAll(sasl(proto, mech, username.trim(), password == null ? "" : password).settings);
        } else {
            if (!blank(protocol)) {
                m.put(SECURITY_PROTOCOL, protocol.trim());
            }
            if (!blank(mechanism)) {
                m.put(SASL_MECHANISM, mechanism.trim());
            }
        }
        return m.isEmpty() && registry.isEmpty() ? NONE : new KafkaClientSecurity(m, registry);
    }

    /** The JAAS line of a SCRAM or PLAIN client. */
    public static String jaasConfig(String mechanism, String username, String password) {
        String module = switch (mechanism) {
            case "SCRAM-SHA-512", "SCRAM-SHA-256" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
            case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
            default -> throw new IllegalArgumentException("unsupported SASL mechanism " + mechanism
                    + " (SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN; other mechanisms: use a client properties file)");
        };
        return module + " required username=\"" + quote(username) + "\" password=\"" + quote(password) + "\";";
    }

    private static String quote(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new IllegalArgumentException("SASL user names and passwords cannot contain control characters");
            }
        }
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The security keys, to add to a client configuration. */
    public Map<String, String> settings() {
        return settings;
    }

    /** The registry client keys ({@code apicurio.registry.*} but the URL); empty for an open registry. */
    public Map<String, String> registrySettings() {
        return registry;
    }

    /** These Kafka settings with other registry client keys (each must start with {@value #REGISTRY_PREFIX}). */
    public KafkaClientSecurity withRegistry(Map<String, String> registrySettings) {
        registrySettings.keySet().forEach(k -> {
            if (!k.startsWith(REGISTRY_PREFIX) || k.equals(REGISTRY_URL)) {
                throw new IllegalArgumentException("not a registry client key: " + k);
            }
        });
        return new KafkaClientSecurity(settings, registrySettings);
    }

    /** The registry user name, when the client authenticates to the registry with one. */
    public Optional<String> registryUsername() {
        return Optional.ofNullable(registry.get(REGISTRY_PREFIX + "auth.username"))
                .or(() -> Optional.ofNullable(registry.get(REGISTRY_PREFIX + "auth.client.id")));
    }

    /** Copies the security keys into a client configuration ({@code Map<String, Object>} or {@link Properties}). */
    public <M extends Map<? super String, ? super String>> M applyTo(M config) {
        config.putAll(settings);
        return config;
    }

    /** Whether the client authenticates (SASL or TLS). */
    public boolean secured() {
        return !protocol().equals("PLAINTEXT");
    }

    public String protocol() {
        return settings.getOrDefault(SECURITY_PROTOCOL, "PLAINTEXT");
    }

    /** The SASL user name, when the client uses a username/password mechanism. */
    public Optional<String> username() {
        String jaas = settings.get(SASL_JAAS_CONFIG);
        if (jaas == null) {
            return Optional.empty();
        }
        Matcher m = JAAS_USER.matcher(jaas);
        return m.find() ? Optional.of(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\")) : Optional.empty();
    }

    /** The keys and values as a client properties file, secrets included (write it with owner-only permissions). */
    public Properties toProperties() {
        Properties p = new Properties();
        p.putAll(settings);
        p.putAll(registry);
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaClientSecurity other && other.settings.equals(settings) && other.registry.equals(registry);
    }

    @Override
    public int hashCode() {
        return 31 * settings.hashCode() + registry.hashCode();
    }

    /** Protocol, mechanism and user, and the registry user; never a secret. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(protocol());
        if (secured() && settings.containsKey(SASL_MECHANISM)) {
            sb.append(' ').append(settings.get(SASL_MECHANISM));
        }
        username().ifPresent(u -> sb.append(" as ").append(u));
        registryUsername().ifPresent(u -> sb.append("; registry as ").append(u));
        return sb.toString();
    }

    /** The settings with every secret replaced by {@code ****}, for logs. */
    public Map<String, String> masked() {
        Map<String, String> m = new TreeMap<>();
        Map<String, String> all = new TreeMap<>(settings);
        all.putAll(registry);
        all.forEach((k, v) -> {
            if (k.equals(SASL_JAAS_CONFIG)) {
                m.put(k, JAAS_PASSWORD.matcher(v).replaceAll("$1****$3"));
            } else if (k.contains("password") || k.endsWith(".key") || k.contains("secret")) {
                m.put(k, "****");
            } else {
                m.put(k, v);
            }
        });
        return m;
    }
}
