package io.edgedistill.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import io.edgedistill.schemas.security.KafkaClientSecurity;
import io.edgedistill.schemas.serde.RegistryAccess;
import io.edgedistill.schemas.serde.SchemaCatalog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgedistill provision}: brings a secured cluster (the production profile, {@code deploy/production/}) to the
 * project's plans: the topics of {@code topics.yaml}, a SCRAM user for every principal of {@code acls.yaml} and every
 * edge named that has none yet (its generated password written to a client properties file in the credentials
 * directory, the only copy), and the ACLs. Idempotent: existing users keep their passwords unless {@code --rotate}.
 */
@Command(name = "provision", mixinStandardHelpOptions = true,
        description = "Apply topics.yaml and acls.yaml to a secured Kafka cluster and create the SCRAM users of its principals.")
public final class ProvisionMain implements Callable<Integer> {

    @Option(names = "--bootstrap-server", required = true, description = "The cluster's client listener(s), host:port[,host:port].")
    String bootstrap;

    @Option(names = "--command-config", required = true,
            description = "Client properties of a super user (security.protocol, sasl.*, ssl.*), as for kafka-topics.sh.")
    Path commandConfig;

    @Option(names = "--replication-factor", defaultValue = "3", description = "Replication factor of new topics (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(names = "--edge", split = ",", paramLabel = "EDGE_ID", description = "Edge ids to give a principal (repeatable, comma-separated).")
    List<String> edges = new ArrayList<>();

    @Option(names = "--credentials-dir", defaultValue = "credentials",
            description = "Where new users' passwords and client properties files are written, owner-only (default: ${DEFAULT-VALUE}).")
    Path credentialsDir;

    @Option(names = "--acls", description = "An ACL plan file instead of the shipped acls.yaml.")
    Path aclsFile;

    @Option(names = "--topics", description = "A topic plan file instead of the shipped topics.yaml.")
    Path topicsFile;

    @Option(names = "--rotate", split = ",", paramLabel = "PRINCIPAL", description = "Give these existing principals a new password.")
    List<String> rotate = new ArrayList<>();

    @Option(names = "--registry-url",
            description = "The schema registry's native v3 API (https://.../apis/registry/v3): register the current schema of every "
                    + "topic there as the --command-config file's registry user (apicurio.registry.auth.*, an sr-admin), so that "
                    + "services with read-only registry access find theirs.")
    String registryUrl;

    @Option(names = "--dry-run", description = "Print the users and ACL bindings the plans ask for; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        AclPlan acls = aclsFile == null ? AclPlan.standard() : AclPlan.load(aclsFile);
        TopicPlan topics = topicsFile == null ? TopicPlan.standard(replicationFactor) : TopicPlan.load(topicsFile, replicationFactor);
        edges.forEach(AclPlan::requireEdgeId);
        Set<String> principals = new LinkedHashSet<>(acls.servicePrincipals());
        principals.addAll(edges);
        if (dryRun) {
            for (String p : principals) {
                System.out.println("User:" + p + " — " + acls.role(p).description());
                for (AclBinding b : acls.bindings(p)) {
                    System.out.printf("    ALLOW %-16s %-16s %-9s %s%n", b.entry().operation(), b.pattern().resourceType(),
                            b.pattern().patternType(), b.pattern().name());
                }
            }
            return 0;
        }
        KafkaClientSecurity adminSecurity = KafkaClientSecurity.fromFile(commandConfig);
        if (!adminSecurity.secured()) {
            System.err.println(commandConfig + " has no security.protocol: the production profile is secured (SASL_SSL)");
            return 2;
        }
        Properties adminConfig = new Properties();
        adminSecurity.applyTo(adminConfig);
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // what every client of this cluster shares: the protocol and the TLS trust settings (never key stores or secrets)
        Map<String, String> shared = new TreeMap<>();
        adminSecurity.settings().forEach((k, v) -> {
            if (k.startsWith("ssl.truststore.") || k.equals("ssl.endpoint.identification.algorithm") || k.equals("ssl.protocol")) {
                shared.put(k, v);
            }
        });
        StackSecurity credentials = StackSecurity.in(credentialsDir);
        try (Admin admin = Admin.create(adminConfig)) {
            TopicPlan.Result t = topics.apply(admin);
            System.out.printf("topics: %d created, %d updated, %d unchanged%n", t.created().size(), t.updated().size(), t.unchanged().size());
            Set<String> existing = admin.describeUserScramCredentials().all().get().keySet();
            List<String> create = new ArrayList<>();
            for (String p : principals) {
                if (!existing.contains(p) || rotate.contains(p)) {
                    create.add(p);
                }
            }
            for (String p : rotate) {
                if (principals.contains(p) && existing.contains(p)) {
                    credentials.forget(p); // a new password
                }
            }
            credentials.upsertUsers(admin, create);
            for (String p : create) {
                Path file = credentials.writeClientProperties(p, bootstrap, adminSecurity.protocol(), shared);
                System.out.printf("user %-20s %s; client settings: %s%n", p, existing.contains(p) ? "new password" : "created", file);
            }
            principals.stream().filter(p -> !create.contains(p)).forEach(p ->
                    System.out.printf("user %-20s exists, password kept%n", p));
            AclPlan.Result r = acls.apply(admin, edges);
            System.out.printf("ACLs: %d created, %d deleted (not in the plan), %d unchanged%n", r.created().size(), r.deleted().size(),
                    r.unchanged());
        }
        if (registryUrl != null) {
            List<String> subjects = SchemaCatalog.register(new RegistryAccess(registryUrl, adminSecurity.registrySettings()));
            System.out.printf("registry: %d subjects registered or found (%s)%n", subjects.size(), String.join(", ", subjects));
        }
        System.out.println("Give each service and each edge only its own file (" + credentialsDir.toAbsolutePath() + "/<principal>.properties).");
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ProvisionMain()).execute(args));
    }
}
