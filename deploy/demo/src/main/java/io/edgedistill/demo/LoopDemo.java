package io.edgedistill.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgedistill.core.data.DataDescription;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.Preflight;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.deploy.StackException;
import io.edgedistill.edge.core.DeployedModel;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.schemas.ModelUpdate;

/**
 * The running system on the local stack: the processor and the updater as their own JVMs, N simulated edges
 * in this JVM (each a full {@link EdgeRuntime}: traffic, summaries, signed-model swaps, local scoring,
 * reverse distillation). Rounds run until the edge model stops improving; then one edge's traffic shifts to a
 * new attack mix and its reverse-distillation knowledge yields a personalised model. Alongside, the pooled
 * reference: the edges' architecture trained on every edge's rows, which only a simulation can compute.
 */
final class LoopDemo {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double CONVERGED = 0.005;
    /** The console's port when it is free (else any free port; the demo prints the URL). */
    static final int CONSOLE_PORT = 8070;

    /**
     * @param rows             rows over all edges: generated, or at most so many drawn from {@code dataset} (0 = all)
     * @param dataset          a labelled flow file to split over the edges; null = generated 5G-NIDD-schema data
     * @param format           how to read it: a preset or a data description YAML ({@link DataDescription#resolve})
     * @param test             a file of the same format for the held-out figures; null = a held-out split of
     *                         {@code dataset}
     * @param drift            run the drift phase (reverse distillation) after the rounds
     * @param latency          the latency benchmark: exactly {@code maxRounds} rounds, none stopping the run (neither
     *                         convergence nor a refused model), no pooled reference and no drift
     * @param updaterOverrides extra model-updater settings (e.g. a test widening the personalisation tolerance)
     * @param taskId           the task of the processor and the edges; null = the data's name + {@code -attacks} (runs
     *                         sharing one stack, as the tests do, each take their own: a task's rounds, sets and live
     *                         model stay on the compacted topics)
     * @param dashboard        start the console (its JVM costs start-up time and about a CPU-second per round)
     * @param trafficRate      flows per second each edge streams to the processor
     */
    record Options(int edges, double beta, int ipc, int rows, Path dataset, String format, Path test, int maxRounds, long seed,
                   int poisonedEdges, double personalisedMinGain, boolean drift, boolean latency,
                   Map<String, String> updaterOverrides, String taskId, boolean dashboard, double trafficRate) {

        /**
         * Flows per second each simulated edge streams, unless {@code --traffic-rate} says otherwise: enough to show
         * scoring and alerts, little enough to leave the 2 cores to learning.
         */
        static final double TRAFFIC_RATE = 20;

        Options(int edges, double beta, int ipc, int rows, Path dataset, String format, Path test, int maxRounds, long seed,
                int poisonedEdges, double personalisedMinGain, boolean drift, boolean latency,
                Map<String, String> updaterOverrides, String taskId, boolean dashboard) {
            this(edges, beta, ipc, rows, dataset, format, test, maxRounds, seed, poisonedEdges, personalisedMinGain, drift, latency,
                    updaterOverrides, taskId, dashboard, TRAFFIC_RATE);
        }

        Options(int edges, double beta, int ipc, int rows, Path dataset, String format, Path test, int maxRounds, long seed,
                int poisonedEdges, double personalisedMinGain, boolean drift, boolean latency,
                Map<String, String> updaterOverrides) {
            this(edges, beta, ipc, rows, dataset, format, test, maxRounds, seed, poisonedEdges, personalisedMinGain, drift, latency,
                    updaterOverrides, null, true);
        }

        Options {
            DataDescription d = DataDescription.resolve(format); // an unknown format fails before anything starts
            if (dataset == null && !d.name().equals("5g-nidd")) {
                throw new DataDescription.Mismatch("--format " + format + " needs --dataset: the generated data is 5G-NIDD-schema");
            }
            if (test != null && dataset == null) {
                throw new DataDescription.Mismatch("--test needs --dataset");
            }
            if (!(trafficRate > 0)) {
                throw new IllegalArgumentException("--traffic-rate must be above 0, not " + trafficRate);
            }
        }


        DataDescription description() {
            return DataDescription.resolve(format);
        }

        /** The task id of the processor and the edges: the data's name, e.g. {@code nsl-kdd-attacks}, unless set. */
        String task() {
            return taskId != null ? taskId : description().name() + "-attacks";
        }
    }

    /**
     * What the run produced, for the report and for tests.
     *
     * @param pooled             the pooled reference's held-out figure (null when no round produced a model to take the
     *                           spec from)
     * @param mixtureComponents  sub-clusters in the newest synthetic set's mixture (0 without summary v2)
     */
    record Outcome(List<RoundOutcome> rounds, DriftOutcome drift, long edgeAlerts, long processorAlerts, int syntheticSets,
                   int modelUpdates, long flowsScoredAtEdges, PooledReference.Scored pooled, int mixtureComponents,
                   Map<String, io.edgedistill.schemas.EdgeStatus> statusByEdge) {
    }

    /**
     * One round's outcome for the report.
     *
     * @param uplinkBytesPerEdge bytes of the round's summaries and knowledge (Avro wire format), averaged over the edges
     */
    record RoundOutcome(long roundId, String model, double heldOutBefore, double heldOutAfter, double validationF1,
                        List<Long> swapMillis, String note, long uplinkBytesPerEdge, RoundTimeline timeline) {
    }

    /**
     * The system while it is up, handed to a caller's hook after the report and before anything stops.
     *
     * @param dashboardUrl the console's page (null without the console)
     * @param consoleUrl   the console's base URL (its JSON view is {@code /api/dashboard}), or null
     */
    record Running(String dashboardUrl, String consoleUrl, Outcome outcome) {
    }

    /** What to do while the system is still up (the default: nothing, everything stops after the report). */
    interface WhileUp {
        void accept(Running running) throws Exception;
    }

    /** The drift phase's outcome. */
    record DriftOutcome(String edgeId, double f1Before, double f1After, String modelBefore, String modelAfter, long millis,
                        long knowledgeSent, long declined, String lastDeclined) {
    }

    private final LocalStack stack;
    private final Path repo;
    private final Path dir;
    private final Options o;
    private final ServiceSettings settings;
    /** Every part's rows; its held-out rows, which no edge has, score the edges' model and the pooled reference. */
    private final DemoData data;

    LoopDemo(LocalStack stack, Path repo, Path dir, Options options) throws java.io.IOException {
        this(stack, repo, dir, options, DemoData.of(options, dir));
    }

    LoopDemo(LocalStack stack, Path repo, Path dir, Options options, DemoData data) {
        this.stack = stack;
        this.repo = repo;
        this.dir = dir;
        this.o = options;
        this.data = data;
        this.settings = new ServiceSettings(stack, options, data);
    }

    /** Runs the loop; empty when a service did not start (the reason is printed). */
    Optional<Outcome> run() throws Exception {
        return run(running -> { });
    }

    /** Runs the loop, and {@code whileUp} after the report with everything still running. */
    Optional<Outcome> run(WhileUp whileUp) throws Exception {
        System.out.println();
        System.out.println("Starting the services (each its own JVM) ...");
        long s0 = System.nanoTime();
        ConsoleReferences references = new ConsoleReferences(dir.resolve("console-references.json"));
        try (ServiceProcess processor = ServiceProcess.start(repo, "distill-processor", "io.edgedistill.processor.ProcessorApplication",
                settings.processorProps(dir), settings.processorEnv(), dir, "1g");
             ServiceProcess updater = ServiceProcess.start(repo, "model-updater", "io.edgedistill.updater.ModelUpdaterApplication",
                     settings.updaterProps(), settings.updaterEnv(), dir, "1g");
             ServiceProcess console = !o.dashboard() ? null : ServiceProcess.start(repo, "console",
                     "io.edgedistill.console.ConsoleApplication", settings.consoleProps(references.file()), settings.environment(Map.of()), dir, "256m",
                     Preflight.portOr(CONSOLE_PORT))) {
            settings.authenticate(processor);
            settings.authenticate(updater);
            processor.awaitHealthy(Duration.ofSeconds(120));
            updater.awaitHealthy(Duration.ofSeconds(120));
            System.out.printf("  distill-processor %s and model-updater %s healthy in %.1f s%n", processor.url(""), updater.url(""),
                    (System.nanoTime() - s0) / 1e9);
            String dashboard = null;
            if (console != null) {
                settings.authenticate(console);
                console.awaitHealthy(Duration.ofSeconds(120));
                dashboard = console.url("/").replace("127.0.0.1", "localhost");
                System.out.println("  dashboard " + dashboard + " (the console: live rounds, fleet, attacks, health)");
            }
            if (stack.secured()) {
                System.out.println("  HTTPS only (the stack's CA: " + stack.security().orElseThrow().tls().caCertificate()
                        + "; import it into a browser to open the dashboard without a warning)");
                System.out.println("  HTTP: every service's API and the dashboard ask for a user (basic auth against "
                        + stack.httpUsersFile() + "): admin may change, operator may read, each with its HTTP password "
                        + "(http-admin, http-operator in " + stack.httpUsersFile().resolveSibling("credentials.properties")
                        + "); /health is open");
            }
            return Optional.of(withEdges(processor, updater, console, dashboard, trustedUpdaterKey(updater), references, whileUp));
        } catch (StackException e) {
            System.err.println("A service did not start: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The updater's published key, checked to be the one generated for this run (the only key edges trust). */
    private String trustedUpdaterKey(ServiceProcess updater) throws Exception {
        JsonNode keys = JSON.readTree(updater.get("/keys"));
        String keyId = keys.path("keyId").asText();
        if (!settings.updaterKeyId().equals(keyId)) {
            throw new StackException("the updater signs with " + keyId + ", not the key " + settings.updaterKeyId() + " it was given");
        }
        System.out.println("  edges and the processor trust only the updater's Ed25519 key " + settings.updaterKeyId()
                + " (generated for this run, given to the updater through its environment)");
        System.out.println("  each edge signs its summaries and knowledge with its own Ed25519 key; the processor takes "
                + "only contributions signed by the edge they claim (processor.contributions.edge-keys)");
        System.out.println("  each edge tags its flows with an HMAC key derived for it from the run's traffic master key; "
                + "the processor scores only flows tagged by the edge they name");
        return keyId + "=" + keys.path("publicKey").asText();
    }

    /** {@code console} and {@code dashboard} are null without the console. */
    private Outcome withEdges(ServiceProcess processor, ServiceProcess updater, ServiceProcess console, String dashboard,
                              String trusted, ConsoleReferences references, WhileUp whileUp) throws Exception {
        System.out.printf("Starting %d simulated edges (Dirichlet beta %.2f shards of %s) ...%n", o.edges(), o.beta(), data.what());
        EdgeFleet edges = new EdgeFleet(stack, o, settings, trusted);
        edges.registerPrincipals();
        List<LocalData> shards = data.shards();
        // the edges stop before the observer does
        try (TopicObserver observer = new TopicObserver(stack.bootstrapServers(), stack.registryUrl(),
                stack.clientSecurity("operator"), o.task()); EdgeFleet fleet = edges) {
            fleet.start(shards);
            fleet.awaitReady(Duration.ofSeconds(60));
            RoundTimeline.Cpu cpu = new RoundTimeline.Cpu(cpuPids(processor, updater, console));
            Rounds rounds = new Rounds(processor, updater, observer, fleet, new RoundWatcher(updater, observer, fleet.edges()),
                    shards, cpu, references);
            List<RoundOutcome> outcomes = rounds.run();
            System.out.println("  " + processorFootprint(processor));
            DriftOutcome drift = o.drift() ? new DriftPhase(fleet, data).run() : null;
            // after the rounds and the drift phase, alone: its training competes with nothing the report measures (once,
            // started concurrently with the drift phase, it came out at a third of its usual macro-F1)
            if (!o.latency()) {
                rounds.startPooledReference();
            }
            PooledReference.Scored pooled = rounds.pooled();
            if (pooled != null) {
                references.pooled(pooled.macroF1(), "the edges' architecture trained on every simulated edge's rows");
            }
            Report.print(o, data.what(), data.heldOut().description(), outcomes, drift, pooled, observer, fleet.edges(), fleet.rawBytes(), updater);
            Outcome outcome = new Outcome(outcomes, drift, observer.alertsBySource.getOrDefault("EDGE", 0L),
                    observer.alertsBySource.getOrDefault("PROCESSOR", 0L), observer.sets.size(), observer.models.size(),
                    fleet.flowsScored(), pooled, observer.sets.isEmpty() ? 0
                    : Report.mixtureComponents(observer.sets.get(observer.sets.size() - 1).value()),
                    Map.copyOf(observer.statusByEdge));
            whileUp.accept(new Running(dashboard, console == null ? null : console.url(""), outcome));
            return outcome;
        }
    }

    /**
     * What the processor holds after the rounds: heap in use (from its {@code /metrics}) and the size of its state stores'
     * changelog topics; with more edges, these are the figures that grow.
     */
    private String processorFootprint(ServiceProcess processor) {
        String heap;
        try {
            JsonNode used = JSON.readTree(processor.get("/metrics/jvm.memory.used?tag=area:heap"));
            JsonNode max = JSON.readTree(processor.get("/metrics/jvm.memory.max?tag=area:heap"));
            heap = String.format("heap in use %.0f MiB (max %.0f MiB)", used.path("measurements").path(0).path("value").asDouble() / (1 << 20),
                    max.path("measurements").path(0).path("value").asDouble() / (1 << 20));
        } catch (Exception e) {
            heap = "heap unknown (" + e.getMessage() + ")";
        }
        // the processor's state, durably: its stores' changelog topics on the broker (RocksDB keeps recent writes in
        // memory, so the files on the processor's disk say little)
        String app = settings.processorApplicationId() + "-";
        long bytes = 0;
        try (org.apache.kafka.clients.admin.Admin admin = stack.admin()) {
            for (var dirs : admin.describeLogDirs(admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList())
                    .allDescriptions().get().values()) {
                for (var d : dirs.values()) {
                    for (var r : d.replicaInfos().entrySet()) {
                        String topic = r.getKey().topic();
                        bytes += topic.startsWith(app) && topic.endsWith("-changelog") ? r.getValue().size() : 0;
                    }
                }
            }
        } catch (Exception e) {
            return String.format("processor after the rounds (%d edges): %s, state stores unknown (%s)", o.edges(), heap, e);
        }
        return String.format("processor after the rounds (%d edges): %s, its state stores' changelogs %.2f MiB", o.edges(),
                heap, bytes / (double) (1 << 20));
    }

    /** The processes whose CPU a round's timeline reports. */
    private Map<String, Long> cpuPids(ServiceProcess processor, ServiceProcess updater, ServiceProcess console) {
        Map<String, Long> pids = new java.util.LinkedHashMap<>();
        pids.put("processor", processor.pid());
        pids.put("updater", updater.pid());
        if (console != null) {
            pids.put("console", console.pid());
        }
        pids.put("edges (demo JVM)", ProcessHandle.current().pid());
        pids.put("broker", stack.broker().pid());
        pids.put("registry", stack.registry().pid());
        return pids;
    }

    /** The rounds, one after the other, until the edges' model stops improving or the updater refuses one. */
    private final class Rounds {
        private final ServiceProcess processor;
        private final ServiceProcess updater;
        private final RoundTimeline.Cpu cpu;
        private final TopicObserver observer;
        private final EdgeFleet fleet;
        private final RoundWatcher watcher;
        /** Every edge's true rows (a poisoning edge's before it flips them): what the pooled reference learns from. */
        private final List<LocalData> shards;
        private final ConsoleReferences references;
        private CompletableFuture<PooledReference.Scored> pooled;

        Rounds(ServiceProcess processor, ServiceProcess updater, TopicObserver observer, EdgeFleet fleet, RoundWatcher watcher,
               List<LocalData> shards, RoundTimeline.Cpu cpu, ConsoleReferences references) {
            this.references = references;
            this.processor = processor;
            this.updater = updater;
            this.cpu = cpu;
            this.observer = observer;
            this.fleet = fleet;
            this.watcher = watcher;
            this.shards = shards;
        }

        List<RoundOutcome> run() throws Exception {
            List<RoundOutcome> out = new ArrayList<>();
            double lastF1 = Double.NaN;
            for (int r = 1; r <= o.maxRounds(); r++) {
                RoundOutcome round = play(lastF1);
                out.add(round);
                if (o.latency()) {
                    continue;
                }
                if (!round.note().isEmpty()) {
                    break; // refused
                }
                double f1 = round.heldOutAfter();
                if (!Double.isNaN(lastF1) && f1 - lastF1 < CONVERGED) {
                    System.out.println("  converged (held-out macro-F1 gain below " + CONVERGED + ")");
                    break;
                }
                lastF1 = f1;
            }
            return out;
        }

        /** Open a round, await every edge's swap to its model (or a refusal), evaluate the model the edges run. */
        private RoundOutcome play(double lastF1) throws Exception {
            Map<String, java.time.Duration> cpuBefore = cpu.now();
            Instant start = Instant.now();
            long roundId = JSON.readTree(processor.post("/rounds")).path("roundId").asLong();
            System.out.printf("Round %d opened; waiting for summaries -> synthetic set -> model -> all edges ...%n", roundId);
            RoundWatcher.Swaps swaps = watcher.await(roundId, start);
            RoundTimeline timeline = RoundTimeline.of(roundId, start, observer, JSON.readTree(updater.get("/models")),
                    swaps.swapAt(), RoundTimeline.Cpu.between(cpuBefore, cpu.now()));
            DeployedModel live = fleet.latestGlobal();
            long uplink = observer.learningBytesByRound.getOrDefault(roundId, 0L) / Math.max(1, o.edges());
            if (swaps.refused() != null) {
                System.out.println("  the updater refused this round's model: " + swaps.refused());
                return new RoundOutcome(roundId, name(live), lastF1, lastF1, Double.NaN, List.of(), "refused: " + swaps.refused(),
                        uplink, timeline);
            }
            if (swaps.swapAt().size() < fleet.size()) {
                System.out.printf("  only %d/%d edges got a model of round %d within 90 s%n", swaps.swapAt().size(), fleet.size(),
                        roundId);
            }
            double f1 = live == null ? Double.NaN : live.evaluate(data.heldOut()).map(c -> c.macroF1()).orElse(Double.NaN);
            if (live != null) {
                references.heldOut(name(live), f1);
            }
            List<Long> lat = new ArrayList<>(swaps.swapAt().values());
            lat.sort(Long::compare);
            System.out.printf("  round %d: %s, held-out macro-F1 %.3f (%s), last edge swapped after %.1f s%n", roundId,
                    live == null ? "no model" : name(live), f1,
                    Double.isNaN(lastF1) ? "the first model" : String.format(java.util.Locale.ROOT, "before %.3f", lastF1),
                    lat.isEmpty() ? Double.NaN : lat.get(lat.size() - 1) / 1e3);
            return new RoundOutcome(roundId, name(live), lastF1, f1, validationF1(live), lat, "", uplink, timeline);
        }

        private double validationF1(DeployedModel live) {
            ModelUpdate published = observer.models.stream().map(TopicObserver.Seen::value)
                    .filter(m -> live != null && m.getModelId().equals(live.modelId()) && m.getVersion() == live.version())
                    .findFirst().orElse(null);
            return published == null ? Double.NaN : published.getMetrics().getMacroF1();
        }

        /** Once, with the live global model's spec and classes. */
        void startPooledReference() {
            DeployedModel live = fleet.latestGlobal();
            if (pooled != null || live == null) {
                return;
            }
            PooledReference ref = new PooledReference(live.specJson(), live.classes(), settings.studentHidden(), o.seed());
            pooled = CompletableFuture.supplyAsync(() -> ref.trainAndScore(shards, data.heldOut()));
        }

        /** The reference's figure, once trained; null when there is none (the report then shows none). */
        PooledReference.Scored pooled() {
            try {
                return pooled == null ? null : pooled.join();
            } catch (java.util.concurrent.CompletionException e) {
                System.out.println("  the pooled reference did not train: " + e.getCause());
                return null;
            }
        }
    }

    private static String name(DeployedModel m) {
        return m == null ? "-" : m.modelId() + " v" + m.version();
    }
}
