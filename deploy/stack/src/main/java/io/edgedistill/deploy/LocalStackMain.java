package io.edgedistill.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgedistill stack}: start the local stack, print its URLs, and keep it running or stop it. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "Start a real Kafka broker (KRaft) and Apicurio Registry, create the topics, print the URLs.")
public final class LocalStackMain implements Callable<Integer> {

    @Option(names = "--data-dir", description = "Where broker data and logs live (default: ${DEFAULT-VALUE}).",
            defaultValue = ".stack")
    Path dataDir;

    @Option(names = "--kafka-port", description = "Broker listener port (default: ${DEFAULT-VALUE}).", defaultValue = "9092")
    int kafkaPort;

    @Option(names = "--controller-port", description = "KRaft controller port (default: ${DEFAULT-VALUE}).", defaultValue = "9093")
    int controllerPort;

    @Option(names = "--registry-port", description = "Registry HTTP port (default: ${DEFAULT-VALUE}).", defaultValue = "8081")
    int registryPort;

    @Option(names = "--keep-running", description = "Keep the stack up until Ctrl-C (otherwise stop after start-up checks).")
    boolean keepRunning;

    @Option(names = "--secured", description = "SASL/SCRAM-SHA-512 and ACLs (acls.yaml): a user with a generated password per "
            + "principal, client properties files under <data-dir>/security/. A data directory is secured or not for good.")
    boolean secured;

    @Option(names = "--edge", split = ",", paramLabel = "EDGE_ID",
            description = "Edge ids that get a principal (with --secured; default: ${DEFAULT-VALUE}).", defaultValue = "edge-1")
    List<String> edges;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        LocalStack stack;
        try {
            stack = LocalStack.builder().dataDir(dataDir).kafkaPort(kafkaPort).controllerPort(controllerPort)
                    .registryPort(registryPort).secured(secured).edges(secured ? edges : List.of()).build();
        } catch (IllegalArgumentException | StackException e) {
            System.err.println("Stack did not start: " + e.getMessage());
            return 2;
        }
        try {
            stack.start();
        } catch (StackException e) {
            System.err.println("Stack did not start: " + e.getMessage());
            return 2;
        }
        System.out.printf("EdgeDistill local stack up in %.1f s (broker %.1f s, registry %.1f s)%n",
                (System.nanoTime() - t0) / 1e9, stack.brokerStartup().toMillis() / 1e3, stack.registryStartup().toMillis() / 1e3);
        System.out.println("  bootstrap.servers      = " + stack.bootstrapServers());
        System.out.println("  registry (Apicurio v3) = " + stack.registryUrl());
        System.out.println("  registry (Confluent)   = " + stack.confluentRegistryUrl());
        System.out.println("  data                   = " + dataDir.toAbsolutePath());
        TopicPlan.Result r = stack.topicResult();
        System.out.printf("  topics: %d created, %d updated, %d unchanged%n", r.created().size(), r.updated().size(), r.unchanged().size());
        if (stack.secured()) {
            printSecurity(stack);
        } else {
            System.out.println("  security               = none (plaintext, no ACLs; --secured for SASL/SCRAM and ACLs)");
        }
        if (!keepRunning) {
            stack.close();
            return 0;
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping the stack ...");
            stack.close();
            done.countDown();
        }));
        System.out.println("Running; press Ctrl-C to stop.");
        done.await();
        return 0;
    }

    static void printSecurity(LocalStack stack) {
        AclPlan.Result acls = stack.aclResult();
        System.out.println("  security               = SASL_SSL (the stack's own CA: security/tls/ca.crt), SCRAM-SHA-512; ACLs from acls.yaml (" + acls.created().size()
                + " created, " + acls.deleted().size() + " removed, " + acls.unchanged() + " unchanged); everything else denied");
        System.out.println("  registry               = HTTPS only (same CA), basic auth; admin registers schemas and rules, everyone else reads "
                + "(edges share the registry user " + StackSecurity.EDGES_REGISTRY_USER + ")");
        System.out.println("  client settings (bootstrap.servers, security.protocol, sasl.*, ssl.truststore.*, apicurio.registry.*), one file per principal:");
        List<String> principals = new java.util.ArrayList<>(List.of(StackSecurity.ADMIN_USER));
        principals.addAll(stack.aclPlan().servicePrincipals());
        stack.edges().stream().sorted().forEach(principals::add);
        for (String p : principals) {
            System.out.printf("    %-20s %s%n", p, stack.clientProperties(p));
        }
        System.out.println("  services: edgedistill.kafka.client-properties = <file> (processor, updater and edges alike)");
        System.out.println("  Kafka tools: kafka-topics.sh --bootstrap-server " + stack.bootstrapServers() + " --command-config "
                + stack.clientProperties(StackSecurity.ADMIN_USER) + " --list");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalStackMain()).execute(args));
    }
}
