package io.edgedistill.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import io.edgedistill.schemas.http.HttpUsers;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The credentials of a secured stack: a password per principal, generated on first use from a
 * {@link java.security.SecureRandom} and kept in {@code <dir>/credentials.properties} (owner-only), and a Kafka client
 * properties file per principal, {@code <dir>/<principal>.properties} (owner-only: {@code bootstrap.servers},
 * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.*}), usable as is
 * by every EdgeDistill service ({@code ...client-properties}) and by Kafka's own tools ({@code --command-config}, {@code --consumer.config}).
 * Passwords survive restarts of the same data directory and are never in the repository.
 */
public final class StackSecurity {

    /** The broker's own identity (inter-broker and controller connections); a super user. */
    public static final String NODE_USER = "broker";
    /** The operators' super user. */
    public static final String ADMIN_USER = "admin";
    /**
     * The one registry identity every edge reads schemas as: the registry's users are fixed when it starts, and edges
     * join a running stack; each edge still has a Kafka principal of its own.
     */
    public static final String EDGES_REGISTRY_USER = "edges";
    static final int SCRAM_ITERATIONS = 8192;

    private final Path dir;
    private final Map<String, String> passwords = new TreeMap<>();
    /** The name the TLS stores' password is kept under (not a principal). */
    static final String TLS_STORE = "tls-stores";
    private StackTls tls;

    private StackSecurity(Path dir) {
        this.dir = dir.toAbsolutePath();
        load();
    }

    /** The credentials kept in {@code dir} (created, owner-only). */
    public static StackSecurity in(Path dir) {
        return new StackSecurity(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The broker's security: its node identity and the admin super user, with their passwords. */
    public KafkaBroker.Security brokerSecurity() {
        return new KafkaBroker.Security(NODE_USER, password(NODE_USER), ADMIN_USER, password(ADMIN_USER), tls());
    }

    /** The stack's TLS material ({@link StackTls}), made at first use; its store password is kept with the others. */
    public synchronized StackTls tls() {
        if (tls == null) {
            tls = StackTls.in(dir.resolve("tls"), password(TLS_STORE));
        }
        return tls;
    }

    /** The principal's password, generated and stored on first use. */
    public synchronized String password(String principal) {
        String p = passwords.get(principal);
        if (p == null) {
            p = Secrets.newPassword();
            passwords.put(principal, p);
            store();
        }
        return p;
    }

    /** The client settings of a principal (SASL_SSL trusting the stack's CA, SCRAM-SHA-512). */
    public KafkaClientSecurity clientSecurity(String principal) {
        return brokerSecurity().client(principal, password(principal));
    }

    /** Where the principal's client properties file is (see {@link #writeClientProperties}). */
    public Path clientProperties(String principal) {
        return dir.resolve(principal + ".properties");
    }

    /**
     * Writes the principal's client properties file for {@code bootstrapServers} (SASL_SSL trusting the stack's CA) with
     * {@code registry} client settings ({@link #registryClientSettings}, none without a registry); returns its path.
     */
    public Path writeClientProperties(String principal, String bootstrapServers, Map<String, String> registry) {
        Map<String, String> extra = new TreeMap<>(tls().clientSettings());
        extra.putAll(registry);
        return writeClientProperties(principal, bootstrapServers, "SASL_SSL", extra);
    }

    /**
     * Writes the principal's client properties file: {@code protocol} (SASL_PLAINTEXT or SASL_SSL), SCRAM-SHA-512 with
     * the principal's password, and {@code extra} settings (e.g. the TLS trust store every client of a cluster shares).
     */
    public Path writeClientProperties(String principal, String bootstrapServers, String protocol, Map<String, String> extra) {
        Properties p = new Properties();
        p.putAll(extra);
        p.putAll(KafkaClientSecurity.sasl(protocol, KafkaBroker.MECHANISM, principal, password(principal)).settings());
        p.put("bootstrap.servers", bootstrapServers);
        Path file = clientProperties(principal);
        try {
            StringWriter w = new StringWriter();
            p.store(w, "Kafka client settings of principal " + principal + " (EdgeDistill secured stack); keep private");
            Secrets.writeOwnerOnly(file, w.toString());
        } catch (IOException e) {
            throw new StackException("Cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * Creates or updates the SCRAM-SHA-512 credential of every principal to the password kept here (an update of an
     * unchanged password only renews its salt). Needs a super user's {@code admin}.
     */
    public List<String> upsertUsers(Admin admin, Collection<String> principals) {
        List<UserScramCredentialAlteration> alterations = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>(principals);
        for (String principal : names) {
            alterations.add(new UserScramCredentialUpsertion(principal,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password(principal)));
        }
        if (alterations.isEmpty()) {
            return List.of();
        }
        try {
            admin.alterUserScramCredentials(alterations).all().get();
            // committed by the controller; wait until the broker's metadata (which authenticates logins) has them
            Awaitility.await("SCRAM users " + names).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).pollInSameThread()
                    .until(() -> admin.describeUserScramCredentials().all().get().keySet().containsAll(names));
        } catch (ConditionTimeoutException e) {
            throw new StackException("The broker did not show the SCRAM users " + names + " within 30 s", e);
        } catch (ExecutionException e) {
            throw new StackException("Creating the SCRAM users " + names + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while creating SCRAM users", e);
        }
        return List.copyOf(names);
    }

    /** Drops the principal's password: the next {@link #password} generates a new one (rotation). */
    public synchronized void forget(String principal) {
        if (passwords.remove(principal) != null) {
            store();
        }
    }

    /**
     * The services' HTTP users ({@code http-users.properties}, {@link HttpUsers}): {@code admin} as operator (reads,
     * opens rounds, rolls models back) and {@code operator} as observer, each with an HTTP password of its own (kept
     * here as {@code http-admin} and {@code http-operator}; never a Kafka password, which basic auth would send with
     * every request). Users added with {@code ./edgedistill http-user add} are kept. The file holds hashes only; a
     * service reads it with {@code edgedistill.http.users-file}.
     */
    public Path writeHttpUsers() {
        Path file = httpUsersFile();
        try {
            HttpUsers.write(file, Map.of(ADMIN_USER, HttpUsers.OPERATOR, "operator", HttpUsers.OBSERVER),
                    Map.of(ADMIN_USER, httpPassword(ADMIN_USER), "operator", httpPassword("operator")));
        } catch (IOException e) {
            throw new StackException("Cannot write " + file, e);
        }
        return file;
    }

    /**
     * The registry users of a stack whose service principals are {@code services}: {@code admin} with
     * {@link ApicurioRegistry#ADMIN_ROLE} (rules, schemas), every service principal and the edges' shared identity
     * {@link #EDGES_REGISTRY_USER} read-only; each with a registry password of its own (kept here as
     * {@code registry-<user>}).
     */
    public ApicurioRegistry.Security registrySecurity(Collection<String> services) {
        Map<String, String> passwords = new TreeMap<>();
        Map<String, String> roles = new TreeMap<>();
        passwords.put(ADMIN_USER, registryPassword(ADMIN_USER));
        roles.put(ADMIN_USER, ApicurioRegistry.ADMIN_ROLE);
        Set<String> readers = new LinkedHashSet<>(services);
        readers.add(EDGES_REGISTRY_USER);
        readers.remove(ADMIN_USER);
        for (String user : readers) {
            passwords.put(user, registryPassword(user));
            roles.put(user, ApicurioRegistry.READ_ONLY_ROLE);
        }
        StackTls t = tls();
        return new ApicurioRegistry.Security(t.registryKeyStore(), t.password(), t.caCertificate(), passwords, roles, ADMIN_USER);
    }

    /**
     * What a client of the secured registry adds to its settings as {@code user}: basic credentials, trust in the
     * stack's CA (PEM), and, for everyone but {@code admin}, no registration (the stack registers every schema at its
     * start, {@link io.edgedistill.schemas.serde.SchemaCatalog}).
     */
    public Map<String, String> registryClientSettings(String user) {
        Map<String, String> m = new TreeMap<>();
        m.put(KafkaClientSecurity.REGISTRY_PREFIX + "auth.username", user);
        m.put(KafkaClientSecurity.REGISTRY_PREFIX + "auth.password", registryPassword(user));
        m.put(KafkaClientSecurity.REGISTRY_PREFIX + "tls.truststore.location", tls().caCertificate().toString());
        m.put(KafkaClientSecurity.REGISTRY_PREFIX + "tls.truststore.type", "PEM");
        if (!user.equals(ADMIN_USER)) {
            m.put(KafkaClientSecurity.REGISTRY_PREFIX + "auto-register", "false");
        }
        return m;
    }

    /** The registry password of a user of {@link #registrySecurity}. */
    public String registryPassword(String user) {
        return password("registry-" + user);
    }

    /** Where {@link #writeHttpUsers} writes the services' HTTP users. */
    public Path httpUsersFile() {
        return dir.resolve("http-users.properties");
    }

    /** The HTTP password of a user of {@link #writeHttpUsers}. */
    public String httpPassword(String user) {
        return password("http-" + user);
    }

    private Path credentialsFile() {
        return dir.resolve("credentials.properties");
    }

    private void load() {
        try {
            Files.createDirectories(dir);
            Secrets.ownerOnly(dir);
            Path f = credentialsFile();
            if (Files.exists(f)) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                p.forEach((k, v) -> passwords.put((String) k, (String) v));
            }
        } catch (IOException e) {
            throw new StackException("Cannot read the stack's credentials in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void store() {
        Properties p = new Properties();
        p.putAll(passwords);
        StringWriter w = new StringWriter();
        try {
            p.store(w, "SCRAM passwords of this stack's principals, generated at first use; keep private");
            Secrets.writeOwnerOnly(credentialsFile(), w.toString());
        } catch (IOException e) {
            throw new StackException("Cannot write " + credentialsFile() + ": " + e.getMessage(), e);
        }
    }
}
