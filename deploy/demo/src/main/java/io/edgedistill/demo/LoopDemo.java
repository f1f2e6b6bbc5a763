package io.edgedistill.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.deploy.StackException;
import io.edgedistill.edge.core.DeployedModel;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.EdgeSettings;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.ModelSlot;
import io.edgedistill.edge.core.ModelVerifier;
import io.edgedistill.edge.core.TrafficStreamer;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.client.KafkaClientSettings;

/**
 * The running system on the local stack: the processor and the updater as their own JVMs, N simulated edges
 * in this JVM (each a full {@link EdgeRuntime}: traffic, summaries, signed-model swaps, local scoring,
 * reverse distillation). Rounds run until the edge model stops improving; then one edge's traffic shifts to a
 * new attack mix and its reverse-distillation knowledge yields a personalised model.
 */
final class LoopDemo {

    static final String TASK = "5g-nidd-attacks";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double CONVERGED = 0.005;

    /**
     * @param updaterOverrides extra model-updater settings (e.g. a test widening the personalisation tolerance)
     */
    record Options(int edges, double beta, int ipc, int rows, Path dataset, int maxRounds, long seed, int poisonedEdges,
                   double personalisedMinGain, Map<String, String> updaterOverrides) {
    }

    /** What the run produced, for the report and for tests. */
    record Outcome(List<RoundOutcome> rounds, DriftOutcome drift, long edgeAlerts, long processorAlerts, int syntheticSets,
                   int modelUpdates, long flowsScoredAtEdges) {
    }

    /** One round's outcome for the report. */
    record RoundOutcome(long roundId, String model, double heldOutBefore, double heldOutAfter, double validationF1,
                        List<Long> swapMillis, String note) {
    }

    private final LocalStack stack;
    private final Path repo;
    private final Path dir;
    private final Options o;
    /** Each edge's own contribution-signing key pair; the processor accepts only contributions signed by them. */
    private final Map<String, java.security.KeyPair> edgeKeys = new LinkedHashMap<>();
    /** The run's traffic master key (the processor's); each edge tags its flows with the key derived for it. */
    private final byte[] trafficMaster = new byte[32];

    LoopDemo(LocalStack stack, Path repo, Path dir, Options options) {
        this.stack = stack;
        this.repo = repo;
        this.dir = dir;
        this.o = options;
    }

    /** Runs the loop; empty when a service did not start (the reason is printed). */
    java.util.Optional<Outcome> run() throws Exception {
        System.out.println();
        System.out.println("Starting the services (each its own JVM) ...");
        long s0 = System.nanoTime();
        Map<String, String> procProps = new LinkedHashMap<>();
        procProps.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        procProps.put("edgedistill.kafka.registry-url", stack.registryUrl());
        procProps.put("processor.streams.application-id", "distill-processor-demo-" + UUID.randomUUID());
        procProps.put("processor.streams.state-dir", dir.resolve("processor-state").toString());
        procProps.put("processor.rounds.task-id", TASK);
        procProps.put("processor.rounds.samples-per-class", String.valueOf(o.ipc()));
        procProps.put("processor.streams.threads", "1");
        procProps.put("processor.streams.instance-id", "processor-1");
        procProps.put("processor.rounds.open-on-start", "false");
        procProps.put("ai.djl.pytorch.num_threads", "1");
        procProps.put("processor.rounds.dataset", o.dataset() == null ? "generated" : o.dataset().toAbsolutePath().toString());
        List<String> edgeKeyEntries = new ArrayList<>();
        for (int i = 0; i < o.edges(); i++) {
            java.security.KeyPair kp = Ed25519Keys.generate();
            edgeKeys.put(edgeId(i), kp);
            edgeKeyEntries.add(edgeId(i) + "=" + Ed25519Keys.encodePublic(kp.getPublic()));
        }
        procProps.put("processor.contributions.edge-keys", String.join(",", edgeKeyEntries));
        new java.security.SecureRandom().nextBytes(trafficMaster);
        Map<String, String> procEnv = Map.of("PROCESSOR_SCORING_TRAFFIC_MASTER_KEY",
                java.util.Base64.getEncoder().encodeToString(trafficMaster));
        // the updater's signing key for this run: edges and the processor trust only it
        java.security.KeyPair updaterKey = Ed25519Keys.generate();
        String updaterKeyId = Ed25519Keys.keyId(updaterKey.getPublic());
        String updaterPublic = Ed25519Keys.encodePublic(updaterKey.getPublic());
        procProps.put("processor.scoring.trusted-keys", updaterKeyId + "=" + updaterPublic);
        Map<String, String> updEnv = Map.of(
                "UPDATER_SIGNING_PRIVATE_KEY", Ed25519Keys.encodePrivate(updaterKey.getPrivate()),
                "UPDATER_SIGNING_PUBLIC_KEY", updaterPublic);
        if (stack.secured()) {
            // each service authenticates as its own principal; the file keeps the password off the command line
            procProps.put("edgedistill.kafka.client-properties", stack.clientProperties("distill-processor").toString());
        }
        Map<String, String> updProps = new LinkedHashMap<>();
        updProps.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        updProps.put("edgedistill.kafka.registry-url", stack.registryUrl());
        updProps.put("ai.djl.pytorch.num_threads", "1");
        updProps.putAll(o.updaterOverrides());
        updProps.put("updater.kafka.group-id", "model-updater-demo-" + UUID.randomUUID());
        if (stack.secured()) {
            updProps.put("edgedistill.kafka.client-properties", stack.clientProperties("model-updater").toString());
        }
        try (ServiceProcess processor = ServiceProcess.start(repo, "distill-processor", "io.edgedistill.processor.ProcessorApplication",
                procProps, procEnv, dir, "1g");
             ServiceProcess updater = ServiceProcess.start(repo, "model-updater", "io.edgedistill.updater.ModelUpdaterApplication",
                     updProps, updEnv, dir, "1g")) {
            processor.awaitHealthy(Duration.ofSeconds(120));
            updater.awaitHealthy(Duration.ofSeconds(120));
            System.out.printf("  distill-processor %s and model-updater %s healthy in %.1f s%n", processor.url(""), updater.url(""),
                    (System.nanoTime() - s0) / 1e9);
            JsonNode keys = JSON.readTree(updater.get("/keys"));
            String trusted = keys.path("keyId").asText() + "=" + keys.path("publicKey").asText();
            if (!updaterKeyId.equals(keys.path("keyId").asText())) {
                throw new StackException("the updater signs with " + keys.path("keyId").asText() + ", not the key "
                        + updaterKeyId + " it was given");
            }
            System.out.println("  edges and the processor trust only the updater's Ed25519 key " + updaterKeyId
                    + " (generated for this run, given to the updater through its environment)");
            System.out.println("  each edge signs its summaries and knowledge with its own Ed25519 key; the processor takes "
                    + "only contributions signed by the edge they claim (processor.contributions.edge-keys)");
            System.out.println("  each edge tags its flows with an HMAC key derived for it from the run's traffic master key; "
                    + "the processor scores only flows tagged by the edge they name");
            return java.util.Optional.of(withEdges(processor, updater, trusted));
        } catch (StackException e) {
            System.err.println("A service did not start: " + e.getMessage());
            return java.util.Optional.empty();
        }
    }

    private static String edgeId(int i) {
        return String.format("edge-%02d", i);
    }

    private Outcome withEdges(ServiceProcess processor, ServiceProcess updater, String trusted) throws Exception {
        System.out.printf("Starting %d simulated edges (Dirichlet beta %.2f shards of %s) ...%n", o.edges(), o.beta(),
                o.dataset() == null ? o.rows() + " rows of generated 5G-NIDD-schema data" : o.dataset());
        List<EdgeRuntime> edges = new ArrayList<>();
        LocalData heldOut = LocalData.generated(o.seed() + 7919, 4000, null);
        long rawBytes = 0;
        // 20 flows/s per edge: enough to show scoring and alerts, little enough to leave the 2 cores to learning
        TrafficStreamer.Settings traffic = new TrafficStreamer.Settings(20, 10_000, 32L << 20, 60_000, 5, 64 << 10, "none", 0);
        if (stack.secured()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < o.edges(); i++) {
                ids.add(edgeId(i));
            }
            stack.addEdges(ids);
            System.out.printf("  secured: every edge connects as its own principal (%s ... %s), the observer as operator%n",
                    ids.get(0), ids.get(ids.size() - 1));
        }
        List<LocalData> shards = o.dataset() == null ? LocalData.generatedShards(o.seed(), o.rows(), o.edges(), o.beta())
                : LocalData.csvShards(o.dataset(), o.rows(), o.edges(), o.beta(), o.seed());
        try (TopicObserver observer = new TopicObserver(stack.bootstrapServers(), stack.registryUrl(),
                stack.clientSecurity("operator"))) {
            for (int i = 0; i < o.edges(); i++) {
                String id = edgeId(i);
                // the last --poisoned-edges edges are label-flipping attackers (the drift phase uses edge 0)
                boolean poisoned = i >= o.edges() - o.poisonedEdges();
                LocalData data = poisoned ? shards.get(i).labelFlipped() : shards.get(i);
                if (poisoned) {
                    System.out.printf("  %s is a poisoning edge: it summarises its rows with every label moved to the next class%n", id);
                }
                rawBytes += (long) data.size() * FiveGNiddSchema.FEATURE_COLUMNS.size() * 4L;
                // during the rounds no edge reports knowledge (threshold 0): the drift phase shows it on one edge
                edges.add(startEdge(id, data, 0.0, trusted, traffic));
            }
            long readyBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < readyBy && !edges.stream().allMatch(EdgeRuntime::ready)) {
                Thread.sleep(50);
            }
            System.out.printf("  %d/%d edges ready (consuming rounds and model updates)%n",
                    edges.stream().filter(EdgeRuntime::ready).count(), edges.size());
            try {
                List<RoundOutcome> rounds = runRounds(processor, updater, observer, edges, heldOut);
                DriftOutcome drift = drift(observer, edges, trusted, traffic);
                Report.print(o, rounds, drift, observer, edges, rawBytes, updater);
                return new Outcome(rounds, drift, observer.alertsBySource.getOrDefault("EDGE", 0L),
                        observer.alertsBySource.getOrDefault("PROCESSOR", 0L), observer.sets.size(), observer.models.size(),
                        edges.stream().mapToLong(e -> e.node().flowsScored()).sum());
            } finally {
                for (EdgeRuntime e : edges) {
                    e.close();
                }
            }
        }
    }

    private List<RoundOutcome> runRounds(ServiceProcess processor, ServiceProcess updater, TopicObserver observer,
                                         List<EdgeRuntime> edges, LocalData heldOut) throws Exception {
        List<RoundOutcome> out = new ArrayList<>();
        double lastF1 = Double.NaN;
        for (int r = 1; r <= o.maxRounds(); r++) {
            Instant start = Instant.now();
            long roundId = JSON.readTree(processor.post("/rounds")).path("roundId").asLong();
            System.out.printf("Round %d opened; waiting for summaries -> synthetic set -> model -> all edges ...%n", roundId);
            Map<String, Long> swapAt = new HashMap<>();
            String refused = null;
            Instant refusedAt = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int lastPrinted = -1;
            while (System.nanoTime() < deadline && swapAt.size() < edges.size()) {
                for (EdgeRuntime e : edges) {
                    DeployedModel m = e.node().slot().live();
                    if (m != null && !m.personalised() && !swapAt.containsKey(e.node().settings().edgeId())
                            && roundOfSet(observer, m.syntheticSetVersion()) == roundId) {
                        // when the edge accepted it (the edge's own clock), not when this loop noticed
                        swapAt.put(e.node().settings().edgeId(), Duration.between(start, m.acceptedAt()).toMillis());
                    }
                }
                String why = swapAt.isEmpty() ? refusal(updater, observer, roundId) : null;
                // a refused set may be followed by a better one of the same round: give it 10 s
                if (why != null && refusedAt == null) {
                    refusedAt = Instant.now();
                }
                if (why != null && Duration.between(refusedAt, Instant.now()).toSeconds() >= 10) {
                    refused = why; // no later synthetic set of this round produced a better model either
                    break;
                }
                if (swapAt.size() != lastPrinted && !swapAt.isEmpty()) {
                    lastPrinted = swapAt.size();
                    System.out.printf("  %d/%d edges run a model of round %d (the last swapped %.1f s after the round opened)%n",
                            swapAt.size(), edges.size(), roundId,
                            swapAt.values().stream().mapToLong(Long::longValue).max().orElse(0) / 1e3);
                }
                Thread.sleep(20);
            }
            DeployedModel live = latestGlobal(edges);
            if (refused != null) {
                System.out.println("  the updater refused this round's model: " + refused);
                out.add(new RoundOutcome(roundId, live == null ? "-" : live.modelId() + " v" + live.version(), lastF1, lastF1, Double.NaN,
                        List.of(), "refused: " + refused));
                break;
            }
            if (swapAt.size() < edges.size()) {
                System.out.printf("  only %d/%d edges got a model of round %d within 90 s%n", swapAt.size(), edges.size(), roundId);
            }
            double f1 = live == null ? Double.NaN : live.evaluate(heldOut).map(c -> c.macroF1()).orElse(Double.NaN);
            ModelUpdate published = observer.models.stream().map(TopicObserver.Seen::value)
                    .filter(m -> live != null && m.getModelId().equals(live.modelId()) && m.getVersion() == live.version())
                    .findFirst().orElse(null);
            List<Long> lat = new ArrayList<>(swapAt.values());
            lat.sort(Long::compare);
            out.add(new RoundOutcome(roundId, live == null ? "-" : live.modelId() + " v" + live.version(), lastF1, f1,
                    published == null ? Double.NaN : published.getMetrics().getMacroF1(), lat, ""));
            System.out.printf("  round %d: %s, held-out macro-F1 %.3f (before %.3f), last edge swapped after %.1f s%n", roundId,
                    live == null ? "no model" : live.modelId() + " v" + live.version(), f1, lastF1,
                    lat.isEmpty() ? Double.NaN : lat.get(lat.size() - 1) / 1e3);
            if (!Double.isNaN(lastF1) && f1 - lastF1 < CONVERGED) {
                System.out.println("  converged (held-out macro-F1 gain below " + CONVERGED + ")");
                break;
            }
            lastF1 = f1;
        }
        return out;
    }

    /** The drift phase's outcome. */
    record DriftOutcome(String edgeId, double f1Before, double f1After, String modelBefore, String modelAfter, long millis,
                        long knowledgeSent, long declined, String lastDeclined) {
    }

    private EdgeRuntime startEdge(String id, LocalData data, double knowledgeThreshold, String trusted, TrafficStreamer.Settings traffic) {
        EdgeSettings settings = new EdgeSettings(id, TASK, "", true, knowledgeThreshold, 0.6f, 0.5, 50, true,
                o.personalisedMinGain());
        EdgeRuntime edge = EdgeRuntime.create(settings, data, ModelVerifier.fromConfig(List.of(trusted)),
                new EdgeRuntime.Settings(new KafkaClientSettings(stack.bootstrapServers(), stack.registryUrl(),
                        stack.clientSecurity(id)), traffic, true, 512, Duration.ofSeconds(3), edgeKeys.get(id),
                        TrafficMac.edgeKey(trafficMaster, id)));
        edge.start();
        return edge;
    }

    /**
     * Edge 0's site starts seeing a new attack mix (every attack type, less benign traffic) and now reports
     * reverse-distillation knowledge whenever its live model's local macro-F1 is below 0.95.
     */
    private DriftOutcome drift(TopicObserver observer, List<EdgeRuntime> edges, String trusted, TrafficStreamer.Settings traffic)
            throws Exception {
        EdgeRuntime old = edges.get(0);
        String id = old.node().settings().edgeId();
        double[] mix = new double[FiveGNiddSchema.CLASSES.size()];
        Arrays.fill(mix, 1.0);
        mix[0] = 0.5;
        // and a capture point that often misses TCP handshakes and sees more look-alike flows
        FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
        cfg.classMix = mix;
        cfg.partialCapture = 0.6;
        cfg.ambiguity = 0.1;
        String what = ", new attack mix, 60 % partial captures";
        LocalData shifted = LocalData.generated(o.seed() + 104_729, 3000, cfg, what);
        LocalData shiftedHeldOut = LocalData.generated(o.seed() + 130_363, 3000, cfg, what);
        DeployedModel before = old.node().slot().live();
        double f1Before = before == null ? Double.NaN : before.evaluate(shiftedHeldOut).map(c -> c.macroF1()).orElse(Double.NaN);
        System.out.printf("%nDrift: %s's traffic shifts to a new attack mix; its model %s scores macro-F1 %.3f on it%n", id,
                before == null ? "-" : before.modelId() + " v" + before.version(), f1Before);
        Instant start = Instant.now();
        old.close();
        EdgeRuntime edge = startEdge(id, shifted, 0.95, trusted, traffic);
        edges.set(0, edge);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        DeployedModel after = null;
        while (System.nanoTime() < deadline) {
            DeployedModel m = edge.node().slot().live();
            if (m != null && m.personalised()) {
                after = m;
                break;
            }
            Thread.sleep(50);
        }
        long millis = Duration.between(start, Instant.now()).toMillis();
        double f1After = after == null ? Double.NaN : after.evaluate(shiftedHeldOut).map(c -> c.macroF1()).orElse(Double.NaN);
        if (after != null) {
            System.out.printf("  %s sent reverse-distillation knowledge and now runs personalised %s v%d: macro-F1 %.3f on the new mix (%.1f s)%n",
                    id, after.modelId(), after.version(), f1After, millis / 1e3);
        } else {
            System.out.printf("  no personalised model runs on %s after 90 s (knowledge records sent: %d)%n", id, edge.node().knowledgeSent());
        }
        ModelSlot.Declined declined = edge.node().slot().lastDeclined();
        if (declined != null) {
            System.out.printf("  %s declined %d personalised update(s) on its own hold-out; the last, %s: %s%n", id,
                    edge.node().slot().declinedCount(), declined.model(), declined.reason());
        }
        return new DriftOutcome(id, f1Before, f1After, before == null ? "-" : before.modelId() + " v" + before.version(),
                after == null ? "-" : after.modelId() + " v" + after.version(), millis, edge.node().knowledgeSent(),
                edge.node().slot().declinedCount(), declined == null ? "" : declined.model() + ": " + declined.reason());
    }

    /** The newest global model any edge runs (or keeps as fallback under a personalised one). */
    private static DeployedModel latestGlobal(List<EdgeRuntime> edges) {
        DeployedModel best = null;
        for (EdgeRuntime e : edges) {
            for (DeployedModel m : new DeployedModel[] {e.node().slot().live(), e.node().slot().previous()}) {
                if (m != null && !m.personalised() && (best == null || m.version() > best.version())) {
                    best = m;
                }
            }
        }
        return best;
    }

    private static long roundOfSet(TopicObserver observer, long setVersion) {
        return observer.sets.stream().filter(s -> s.value().getVersion() == setVersion).mapToLong(s -> s.value().getRoundId())
                .findFirst().orElse(-1);
    }

    /** The updater's reason when it refused the model of a synthetic set of this round, else null. */
    private static String refusal(ServiceProcess updater, TopicObserver observer, long roundId) {
        try {
            for (JsonNode h : JSON.readTree(updater.get("/models")).path("history")) {
                if ("REFUSED".equals(h.path("status").asText()) && h.path("cohort").asText("").isEmpty()
                        && roundOfSet(observer, h.path("syntheticSetVersion").asLong()) == roundId) {
                    return h.path("reason").asText();
                }
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

}
