package io.edgedistill.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.StackException;
import io.edgedistill.deploy.TopicPlan;
import io.edgedistill.core.data.DataDescription;
import io.edgedistill.core.util.MatmulProbe;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job on the embedded default ({@code ./edgedistill demo}): starts the local stack (real broker +
 * real registry), checks every contract, starts the distill-processor and the model-updater, simulates
 * edges, runs rounds until the edge model converges, shifts one edge's traffic to show reverse
 * distillation, prints a report and stops everything ({@code --keep-running}: after Ctrl-C). The console's dashboard
 * runs beside it; its URL is printed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run EdgeDistill end to end on a local stack.")
public final class DemoMain implements Callable<Integer> {

    @Option(names = "--edges", defaultValue = "10", description = "Simulated edges (default: ${DEFAULT-VALUE}).")
    int edges;

    @Option(names = "--beta", defaultValue = "0.1", description = "Dirichlet beta of the non-IID split (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--ipc", defaultValue = "10", description = "Synthetic samples per class (default: ${DEFAULT-VALUE}).")
    int ipc;

    @Option(names = "--rows", defaultValue = "20000", description = "Rows over all edges: generated, or at most so many "
            + "drawn at random from --dataset, 0 = all (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--dataset", description = "A labelled flow file to split over the edges instead of generated data, "
            + "read through --format.")
    Path dataset;

    @Option(names = "--format", defaultValue = "5g-nidd", description = "How to read --dataset and --test: a preset "
            + "(5g-nidd, nsl-kdd, cic-ids2017) or a data description YAML file (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--test", description = "A file of the same format whose rows give the held-out figures (default: a "
            + "stratified 20 %% of --dataset).")
    Path test;

    @Option(names = "--max-rounds", defaultValue = "4", description = "Rounds at most before the drift phase (default: ${DEFAULT-VALUE}).")
    int maxRounds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the data and the edges' split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--poisoned-edges", defaultValue = "0", description = "Edges that send poisoned summaries (their rows with "
            + "every label moved to the next class), to show the poisoning defence (default: ${DEFAULT-VALUE}).")
    int poisonedEdges;

    @Option(names = "--personalised-min-gain", defaultValue = "0.01", description = "An edge runs a personalised model only "
            + "if its macro-F1 on the edge's labelled hold-out beats the running model's by this much (default: ${DEFAULT-VALUE}).")
    double personalisedMinGain;

    @Option(names = "--traffic-rate", defaultValue = "" + LoopDemo.Options.TRAFFIC_RATE, description = "Flows per second each edge streams to the "
            + "processor (default: ${DEFAULT-VALUE}); a large fleet on one machine keeps the total by lowering it.")
    double trafficRate;

    @Option(names = "--latency-rounds", defaultValue = "0", description = "The latency benchmark: run exactly this many "
            + "rounds (no convergence stop, no drift phase, no pooled reference) and report round start -> edges p50/p99, each "
            + "round's timeline and the machine's matmul GFLOP/s before and after (default: ${DEFAULT-VALUE} = the demo).")
    int latencyRounds;

    @Option(names = "--keep-running", description = "After the report, leave the whole system up (stack, services, edges, "
            + "the dashboard) until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--no-dashboard", description = "Do not start the console (the dashboard): one JVM fewer on the machine, "
            + "about a CPU-second less per round.")
    boolean noDashboard;

    @Option(names = "--contracts-only", description = "Only check the contracts on the stack (no services).")
    boolean contractsOnly;

    @Option(names = "--keep-logs", description = "Keep the stack's and services' logs (printed path).")
    boolean keepLogs;

    @Option(names = "--secured", description = "Run on a secured stack: SASL/SCRAM-SHA-512 and the ACLs of acls.yaml, every "
            + "service and edge under its own principal.")
    boolean secured;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("edgedistill-demo-");
        System.out.println("EdgeDistill demo — working directory " + dir);
        LoopDemo.Options options;
        DemoData data = null;
        try {
            // the data first: a file that does not match its description stops the demo before anything starts
            boolean latency = latencyRounds > 0;
            options = new LoopDemo.Options(edges, beta, ipc, rows, dataset, format, test, latency ? latencyRounds : maxRounds,
                    seed, poisonedEdges, personalisedMinGain, !latency, latency, java.util.Map.of(), null, !noDashboard, trafficRate);
            if (keepRunning && noDashboard) {
                System.out.println("--keep-running without the dashboard: the system stays up, with no page to look at");
            }
            if (!contractsOnly) {
                data = DemoData.of(options, dir);
            }
        } catch (DataDescription.Mismatch | java.io.IOException e) {
            System.err.println("The data cannot be used: " + e.getMessage());
            deleteQuietly(dir);
            return 2;
        }
        System.out.println("Starting the local stack (Kafka KRaft broker + Apicurio Registry) ...");
        LocalStack stack;
        try {
            stack = LocalStack.builder().dataDir(dir.resolve("stack")).secured(secured).build().start();
        } catch (StackException e) {
            System.err.println("The local stack did not start: " + e.getMessage());
            return 2;
        }
        double gflopsBefore = latencyRounds > 0 ? MatmulProbe.inChildJvm() : Double.NaN;
        KeepRunning keeper = keepRunning ? new KeepRunning() : null;
        try {
            System.out.printf("  broker   %s  ready in %.1f s%n", stack.bootstrapServers(), stack.brokerStartup().toMillis() / 1e3);
            System.out.printf("  registry %s  ready in %.1f s (Confluent API: %s), COMPATIBILITY=%s%n", stack.registryUrl(),
                    stack.registryStartup().toMillis() / 1e3, stack.confluentRegistryUrl(), stack.registry().globalRule("COMPATIBILITY"));
            TopicPlan.Result topics = stack.topicResult();
            System.out.printf("  topics: %d created from topics.yaml (%d compacted)%n", topics.created().size(),
                    stack.topicPlan().topics().stream().filter(TopicPlan.Topic::compacted).count());
            if (stack.secured()) {
                System.out.printf("  secured: SASL_SSL (TLS, the stack's own CA) with SCRAM-SHA-512, %d ACLs from acls.yaml for %s; everything else denied%n",
                        stack.aclResult().created().size() + stack.aclResult().unchanged(), stack.aclPlan().servicePrincipals());
            }
            int rc = 0;
            if (!contractsOnly) {
                LoopDemo demo = new LoopDemo(stack, Path.of("").toAbsolutePath(), dir, options, data);
                rc = (keeper == null ? demo.run() : demo.run(keeper::await)).isPresent() ? 0 : 2;
            }
            if (keeper != null && keeper.interrupted()) {
                return rc; // Ctrl-C: the broker and the registry are stopping already
            }
            if (latencyRounds > 0) {
                System.out.printf("%nMachine speed (2048^3 DJL matmul, default threads, own JVM): %.1f GFLOP/s before the run, "
                        + "%.1f after%n", gflopsBefore, MatmulProbe.inChildJvm());
            }
            // after the services have stopped: the example records must not reach them
            boolean contractsOk = checkContracts(stack);
            System.out.printf("%nDemo finished in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
            return contractsOk ? rc : 1;
        } finally {
            System.out.println("Stopping the local stack ...");
            stack.close();
            if (!keepLogs) {
                deleteQuietly(dir);
            } else {
                System.out.println("Logs kept under " + dir);
            }
            if (keeper != null) {
                keeper.done();
            }
        }
    }

    private static boolean checkContracts(LocalStack stack) {
        // the check writes one record to every topic: on a secured stack only the admin may
        ContractsCheck check = new ContractsCheck(stack.bootstrapServers(), stack.registryUrl(), stack.clientSecurity("admin"));
        System.out.println();
        System.out.println("Contracts: one record of every schema produced through the registry and read back");
        System.out.printf("  %-24s %-14s %9s %6s %6s%n", "topic", "schema", "schema-id", "bytes", "equal");
        boolean ok = true;
        for (ContractsCheck.Outcome o : check.roundTripEveryContract(1)) {
            System.out.printf("  %-24s %-14s %9d %6d %6s%n", o.topic(), o.schema(), o.schemaId(), o.bytes(), o.roundTrip() ? "yes" : "NO");
            ok &= o.roundTrip();
        }
        ContractsCheck.DeadLetterOutcome dl = check.malformedRecordToDeadLetter();
        System.out.println("  bad input: a " + dl.originalBytes() + "-byte non-Avro record on edge.summaries went to " + dl.topic()
                + " (" + dl.reason() + ")");
        return ok;
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // temporary files only
        }
    }

    /** Held strongly: java.util.logging forgets levels of loggers nobody references. */
    private static final java.util.logging.Logger APICURIO_JUL = java.util.logging.Logger.getLogger("io.apicurio");

    public static void main(String[] args) {
        APICURIO_JUL.setLevel(java.util.logging.Level.SEVERE);
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

}
