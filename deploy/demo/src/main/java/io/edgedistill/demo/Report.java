package io.edgedistill.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.SyntheticSet;

/** The demo's final report. */
final class Report {

    private Report() {
    }

    static void print(LoopDemo.Options o, String data, String heldOut, List<LoopDemo.RoundOutcome> rounds, LoopDemo.DriftOutcome drift,
                      PooledReference.Scored pooled, TopicObserver observer, List<EdgeRuntime> edges, long rawBytes,
                      ServiceProcess updater) {
        System.out.println();
        System.out.println("================================ EdgeDistill report ================================");
        System.out.printf("%d edges, Dirichlet beta %.2f, IPC %d, task %s, %s%n", o.edges(), o.beta(), o.ipc(), o.task(), data);

        rounds(rounds, pooled, heldOut);

        fleet(observer);

        System.out.println();
        System.out.println("Synthetic-set versions (distill.synthetic-sets):");
        for (TopicObserver.Seen<SyntheticSet> s : observer.sets) {
            SyntheticSet v = s.value();
            System.out.printf("  v%-3d round %-3d %4d samples  matching loss %.5f%s  contributions %d, exclusions %d%s%n",
                    v.getVersion(), v.getRoundId(), v.getSamples().size(), v.getMatchingLoss(),
                    v.getPreviousLoss() == null ? "" : String.format(" (was %.5f)", v.getPreviousLoss()),
                    v.getProvenance().getContributions().size(), v.getProvenance().getExclusions().size(),
                    v.getMixture() == null ? "" : String.format(", mixture of %d sub-clusters over %d classes",
                            mixtureComponents(v), v.getMixture().size()));
        }
        System.out.println("  (the updater trains on rows generated from each set's mixture of the accepted edges' sub-clusters,"
                + " plus the set's samples)");

        System.out.println();
        System.out.println("Model versions (models.updates, signed Ed25519, validated by the updater):");
        for (TopicObserver.Seen<ModelUpdate> s : observer.models) {
            ModelUpdate m = s.value();
            System.out.printf("  %-28s v%-3d set v%-3d validation macro-F1 %.3f (live before: %s)  %d bytes  %s%n", m.getModelId(),
                    m.getVersion(), m.getSyntheticSetVersion(), m.getMetrics().getMacroF1(),
                    m.getMetrics().getPreviousMacroF1() == null ? "none" : String.format("%.3f", m.getMetrics().getPreviousMacroF1()),
                    m.getWeights().remaining(), m.getArchitecture());
        }
        try {
            JsonNode hist = new ObjectMapper().readTree(updater.get("/models")).path("history");
            long refused = 0;
            for (JsonNode h : hist) {
                if ("REFUSED".equals(h.path("status").asText())) {
                    refused++;
                    System.out.printf("  refused: %s (set v%d): %s%n", h.path("modelId").asText(), h.path("syntheticSetVersion").asLong(),
                            h.path("reason").asText());
                }
            }
            System.out.printf("  %d published, %d refused as not better than the live model%n", observer.models.size(), refused);
        } catch (Exception e) {
            System.out.println("  (updater history unavailable: " + e.getMessage() + ")");
        }

        System.out.println();
        System.out.println("Reverse distillation:");
        if (drift != null) {
            if (Double.isNaN(drift.f1After())) {
                System.out.printf("  %s after the shift: %s macro-F1 %s; no personalised model runs after %.1f s (%d knowledge "
                        + "records)%n", drift.edgeId(), drift.modelBefore(), fmt(drift.f1Before()), drift.millis() / 1e3,
                        drift.knowledgeSent());
            } else {
                System.out.printf("  %s after the shift: %s macro-F1 %s -> %s %s in %.1f s (%d knowledge records)%n", drift.edgeId(),
                        drift.modelBefore(), fmt(drift.f1Before()), drift.modelAfter(), fmt(drift.f1After()), drift.millis() / 1e3,
                        drift.knowledgeSent());
            }
            if (drift.declined() > 0) {
                System.out.printf("  personalised updates %s declined on its own labelled hold-out: %d (last: %s)%n", drift.edgeId(),
                        drift.declined(), drift.lastDeclined());
            }
        }

        System.out.println();
        long flows = edges.stream().mapToLong(e -> e.node().flowsScored()).sum();
        System.out.printf("Alerts on alerts.attacks by class: %s (by source %s; %d flows scored at the edges)%n", observer.sortedAlerts(),
                observer.alertsBySource, flows);
        System.out.printf("Poisoning alerts: %d%s%n", observer.poisoningAlerts.size(), o.poisonedEdges() > 0
                ? " (" + o.poisonedEdges() + " poisoning edge" + (o.poisonedEdges() > 1 ? "s" : "") + " in this run)" : "");
        for (AttackAlert a : observer.poisoningAlerts) {
            System.out.printf("  %s: %s%n", a.getEdgeId(), a.getDetail());
        }

        long learning = observer.learningBytesByEdge.values().stream().mapToLong(Long::longValue).sum();
        System.out.println();
        System.out.printf("Bytes the edges sent for learning (summaries + knowledge, Avro wire format): %,d in total, %,d per edge on average;%n",
                learning, learning / Math.max(1, o.edges()));
        System.out.printf("their raw local data (float32 features) would be %,d bytes: %.1fx more.%n", rawBytes,
                learning == 0 ? Double.NaN : (double) rawBytes / learning);
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(observer.learningBytesByEdge).entrySet()) {
            System.out.printf("  %s %,d bytes%n", e.getKey(), e.getValue());
        }
        System.out.println("====================================================================================");
    }

    private static void rounds(List<LoopDemo.RoundOutcome> rounds, PooledReference.Scored pooled, String heldOut) {
        System.out.println();
        System.out.println("Rounds (held-out macro-F1 of the edges' global model on " + heldOut + ", rows no edge holds):");
        System.out.printf("  %-6s %-26s %-10s %-10s %-12s %-22s %-8s %-13s %-12s %s%n", "round", "model the edges run", "F1 before",
                "F1 after", "validation", "round start -> edges", "pooled", "edges/pooled", "uplink/edge", "note");
        double pooledF1 = pooled == null ? Double.NaN : pooled.macroF1();
        List<Long> all = new ArrayList<>();
        for (LoopDemo.RoundOutcome r : rounds) {
            all.addAll(r.swapMillis());
            String lat = r.swapMillis().isEmpty() ? "-" : String.format("p50 %.1f s, last %.1f s",
                    percentile(r.swapMillis(), 50) / 1e3, r.swapMillis().get(r.swapMillis().size() - 1) / 1e3);
            System.out.printf("  %-6d %-26s %-10s %-10s %-12s %-22s %-8s %-13s %-12s %s%n", r.roundId(), r.model(),
                    fmt(r.heldOutBefore()), fmt(r.heldOutAfter()), fmt(r.validationF1()), lat, fmt(pooledF1),
                    fmt(r.heldOutAfter() / pooledF1), String.format("%,d B", r.uplinkBytesPerEdge()), r.note());
        }
        all.sort(Long::compare);
        if (!all.isEmpty()) {
            System.out.printf("  round start -> an edge runs the new model: p50 %.2f s, p99 %.2f s over %d edge-rounds%n",
                    percentile(all, 50) / 1e3, percentile(all, 99) / 1e3, all.size());
        }
        if (pooled != null) {
            System.out.printf("  pooled: the edges' architecture trained on all %,d rows of every edge pooled, scored on the same "
                    + "held-out flows (%.1f s, off the rounds' path); only this simulation, which holds every edge's rows, "
                    + "has it: a real deployment has no such figure%n", pooled.rows(), pooled.seconds());
        }
        System.out.println("  uplink/edge: bytes of the round's edge.summaries and edge.knowledge records (Avro wire format), "
                + "averaged over the edges");
        System.out.println();
        System.out.println("Where each round's time went (seconds after it opened; record timestamps and the updater's history):");
        for (LoopDemo.RoundOutcome r : rounds) {
            if (r.timeline() != null) {
                System.out.println(r.timeline().describe());
            }
        }
    }

    /** The fleet as the edges report it on edge.status (their newest record each). */
    private static void fleet(TopicObserver observer) {
        if (observer.statusByEdge.isEmpty()) {
            return;
        }
        System.out.println();
        System.out.println("Fleet (edge.status, each edge's newest report):");
        System.out.printf("  %-9s %-30s %-10s %6s %9s %9s %8s %8s %s%n", "edge", "running", "accepted", "swaps", "declined",
                "rejected", "flows", "alerts", "local macro-F1");
        for (io.edgedistill.schemas.EdgeStatus s : new java.util.TreeMap<>(observer.statusByEdge).values()) {
            System.out.printf("  %-9s %-30s %-10s %6d %9d %9d %8d %8d %s%n", s.getEdgeId(),
                    s.getModelId() == null ? "-" : s.getModelId() + " v" + s.getModelVersion(),
                    s.getAcceptedAt() == null ? "-" : java.time.LocalTime.ofInstant(s.getAcceptedAt(), java.time.ZoneOffset.UTC)
                            .withNano(0).toString(),
                    s.getModelSwaps(), s.getDeclinedUpdates(), s.getRejectedUpdates(), s.getFlowsScored(), s.getAlertsSent(),
                    s.getLocalMacroF1() == null ? "-" : String.format("%.3f", s.getLocalMacroF1()));
        }
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3f", v);
    }

    /** Sub-clusters in a set's mixture (0 without one). */
    static int mixtureComponents(SyntheticSet s) {
        return s.getMixture() == null ? 0 : s.getMixture().stream().mapToInt(m -> m.getComponents().size()).sum();
    }
}
