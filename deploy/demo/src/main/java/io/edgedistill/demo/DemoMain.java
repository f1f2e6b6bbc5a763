package io.edgedistill.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.StackException;
import io.edgedistill.deploy.TopicPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job on the embedded default: starts the local stack (real broker + real registry), creates the
 * topics, produces and consumes one record of every contract, routes a malformed record to its dead-letter
 * topic, prints a report and stops everything.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run EdgeDistill end to end on a local stack.")
public final class DemoMain implements Callable<Integer> {

    @Option(names = "--bootstrap", description = "Use a running broker instead of starting the local stack.")
    String bootstrap;

    @Option(names = "--registry", description = "Apicurio v3 API URL of a running registry (with --bootstrap).")
    String registry;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the example records (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        LocalStack stack = null;
        String bs = bootstrap;
        String reg = registry;
        if (bs == null) {
            System.out.println("Starting the local stack (Kafka KRaft broker + Apicurio Registry) ...");
            Path dir = Files.createTempDirectory("edgedistill-demo-");
            try {
                stack = LocalStack.builder().dataDir(dir).build().start();
            } catch (StackException e) {
                System.err.println("The local stack did not start: " + e.getMessage());
                return 2;
            }
            bs = stack.bootstrapServers();
            reg = stack.registryUrl();
            System.out.printf("  broker   %s  ready in %.1f s%n", bs, stack.brokerStartup().toMillis() / 1e3);
            System.out.printf("  registry %s  ready in %.1f s (Confluent API: %s)%n", reg, stack.registryStartup().toMillis() / 1e3,
                    stack.confluentRegistryUrl());
            System.out.printf("  registry rules: COMPATIBILITY=%s, VALIDITY=%s%n", stack.registry().globalRule("COMPATIBILITY"),
                    stack.registry().globalRule("VALIDITY"));
            printTopics(stack.topicPlan(), stack.topicResult());
        } else if (reg == null) {
            System.err.println("--registry is required with --bootstrap");
            return 2;
        }
        try {
            ContractsCheck check = new ContractsCheck(bs, reg);
            System.out.println();
            System.out.println("Contracts (one record of every schema, produced through the registry and read back):");
            System.out.printf("  %-24s %-14s %9s %6s %10s %6s %7s%n", "topic", "schema", "schema-id", "bytes", "partition@off", "equal", "ack ms");
            List<ContractsCheck.Outcome> outcomes = check.roundTripEveryContract(seed);
            boolean ok = true;
            for (ContractsCheck.Outcome o : outcomes) {
                System.out.printf("  %-24s %-14s %9d %6d %10s %6s %7d%n", o.topic(), o.schema(), o.schemaId(), o.bytes(),
                        o.partition() + "@" + o.offset(), o.roundTrip() ? "yes" : "NO", o.ackMillis());
                ok &= o.roundTrip();
            }
            ContractsCheck.DeadLetterOutcome dl = check.malformedRecordToDeadLetter();
            System.out.println();
            System.out.println("Bad input: a " + dl.originalBytes() + "-byte non-Avro record on edge.summaries went to " + dl.topic());
            System.out.println("  reason: " + dl.reason());
            System.out.println();
            System.out.printf("%s in %.1f s.%n", ok ? "All contracts verified" : "SOME CONTRACTS FAILED", (System.nanoTime() - t0) / 1e9);
            return ok ? 0 : 1;
        } finally {
            if (stack != null) {
                System.out.println("Stopping the local stack ...");
                stack.close();
            }
        }
    }

    private static void printTopics(TopicPlan plan, TopicPlan.Result result) {
        System.out.printf("  topics: %d created, %d updated, %d unchanged (from topics.yaml)%n", result.created().size(),
                result.updated().size(), result.unchanged().size());
        for (TopicPlan.Topic t : plan.topics()) {
            System.out.printf("    %-28s partitions=%d %s%n", t.name(), t.partitions(),
                    t.compacted() ? "compacted" : "retention.ms=" + t.config().getOrDefault("retention.ms", "default"));
        }
    }

    /** Held strongly: java.util.logging forgets levels of loggers nobody references. */
    private static final java.util.logging.Logger APICURIO_JUL = java.util.logging.Logger.getLogger("io.apicurio");

    public static void main(String[] args) {
        // the registry client logs a start-up notice through java.util.logging; keep the report readable
        APICURIO_JUL.setLevel(java.util.logging.Level.SEVERE);
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }
}
