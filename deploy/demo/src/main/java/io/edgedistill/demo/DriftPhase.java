package io.edgedistill.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.edge.core.DeployedModel;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.ModelSlot;

/**
 * Edge 0's site starts seeing a new attack mix (every attack type, less benign traffic; on generated data also new
 * tools for two attack types, a capture point that misses most TCP handshakes): its local window is replaced while it
 * runs. The edge notices the drift itself, with the settings every edge of the run has (its live model's local
 * macro-F1 or mean confidence falls by five points, or one class's recall by twenty, below the model's first
 * reading), and sends reverse-distillation knowledge. The rows come from {@link DemoData}.
 */
final class DriftPhase {

    /** The attack classes whose tool changes at the drifted site (generated data). */
    static final java.util.Set<String> VARIANTS = java.util.Set.of("UDPFlood", "HTTPFlood");
    /** The drifted site's capture point misses most TCP handshakes (the fleet's: 15 %). */
    static final double PARTIAL_CAPTURE = 0.9;
    static final String GENERATED_SHIFT = ", new attack mix, new tool variants of HTTPFlood and UDPFlood (4x longer "
            + "flows, 3x the payload), a capture point that misses 90 % of TCP handshakes";
    /** After knowledge or a declined offer, how long without new knowledge or a decline ends the wait. */
    private static final Duration QUIET = Duration.ofSeconds(20);

    private final EdgeFleet fleet;
    private final LocalData shifted;
    private final LocalData shiftedHeldOut;
    private final String what;

    DriftPhase(EdgeFleet fleet, DemoData data) {
        this.fleet = fleet;
        this.shifted = data.driftRows();
        this.shiftedHeldOut = data.driftHeldOut();
        this.what = data.driftWhat();
    }

    /** Every class alike, the benign class (index {@code benign}, -1 = none) half as much. */
    static double[] shiftedMix(int classes, int benign) {
        double[] mix = new double[classes];
        Arrays.fill(mix, 1.0);
        if (benign >= 0) {
            mix[benign] = 0.5;
        }
        return mix;
    }

    /**
     * Every attack type, half as much benign traffic, and new tools for two attack types (a drift within known classes:
     * their flows last longer and carry more payload, so the fleet's model takes many of them for other classes).
     */
    static FiveGNiddGenerator.Config shiftedConfig() {
        double[] mix = shiftedMix(FiveGNiddSchema.CLASSES.size(), FiveGNiddSchema.CLASSES.indexOf("Benign"));
        FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
        cfg.classMix = mix;
        cfg.variants = VARIANTS;
        cfg.partialCapture = PARTIAL_CAPTURE;
        return cfg;
    }

    LoopDemo.DriftOutcome run() throws InterruptedException {
        EdgeRuntime old = fleet.edges().get(0);
        String id = old.node().settings().edgeId();
        DeployedModel before = old.node().slot().live();
        double f1Before = f1(before);
        System.out.printf("%nDrift: %s's traffic shifts (%s); its model %s scores macro-F1 %.3f on it%n", id,
                what.substring(2), name(before), f1Before);
        EdgeRuntime edge = old;
        // the edge reads its live model after each swap and round and every few seconds: wait for the first reading,
        // so that the shift meets a reference taken on the old traffic
        long referenceBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (edge.node().driftReference().isEmpty() && System.nanoTime() < referenceBy) {
            Thread.sleep(50);
        }
        Instant start = Instant.now();
        edge.node().driftReference().ifPresent(r -> System.out.printf(
                "  %s's reference for %s on its old traffic: macro-F1 %.3f, mean confidence %.3f; recall: %s%n",
                id, name(before), r.macroF1(), r.confidence(), recalls(r, before)));
        edge.node().replaceData(shifted);
        DeployedModel after = awaitPersonalised(edge, Duration.ofSeconds(90));
        long millis = Duration.between(start, Instant.now()).toMillis();
        double f1After = f1(after);
        edge.node().lastDrift().ifPresent(d -> System.out.printf(
                "  %s detected drift: %s%n    on its new traffic: macro-F1 %.3f, mean confidence %.3f; recall: %s%n",
                id, d.reason(), d.reading().macroF1(), d.reading().confidence(), recalls(d.reading(), before)));
        if (after != null) {
            System.out.printf("  %s sent reverse-distillation knowledge and now runs personalised %s v%d: macro-F1 %.3f on the new mix (%.1f s)%n",
                    id, after.modelId(), after.version(), f1After, millis / 1e3);
        } else {
            System.out.printf("  no personalised model runs on %s after %.0f s (knowledge records sent: %d)%n", id, millis / 1e3,
                    edge.node().knowledgeSent());
        }
        ModelSlot.Declined declined = edge.node().slot().lastDeclined();
        if (declined != null) {
            System.out.printf("  %s declined %d personalised update(s) on its own hold-out; the last, %s: %s%n", id,
                    edge.node().slot().declinedCount(), declined.model(), declined.reason());
        }
        return new LoopDemo.DriftOutcome(id, f1Before, f1After, name(before), name(after), millis, edge.node().knowledgeSent(),
                edge.node().slot().declinedCount(), declined == null ? "" : declined.model() + ": " + declined.reason());
    }

    /**
     * The personalised model the edge runs, once it runs one; null after {@code timeout}, or earlier once the edge has
     * sent knowledge or declined an offer and {@link #QUIET} passes with no new knowledge or decline (a candidate takes
     * seconds to train; by then the updater has refused it or its budget per set is spent, and nothing more comes until
     * the next set).
     */
    private static DeployedModel awaitPersonalised(EdgeRuntime edge, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long declined = edge.node().slot().declinedCount();
        long knowledge = edge.node().knowledgeSent();
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            DeployedModel m = edge.node().slot().live();
            if (m != null && m.personalised()) {
                return m;
            }
            long d = edge.node().slot().declinedCount();
            long k = edge.node().knowledgeSent();
            if (d != declined || k != knowledge) {
                declined = d;
                knowledge = k;
                lastChange = System.nanoTime();
            } else if ((d > 0 || k > 0) && System.nanoTime() - lastChange > QUIET.toNanos()) {
                return null;
            }
            Thread.sleep(50);
        }
        return null;
    }

    /** Recall per class of {@code m} (classes without rows: "-"). */
    private static String recalls(io.edgedistill.core.personal.DriftRule.Reading r, DeployedModel m) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < r.classRecall().length; c++) {
            b.append(c == 0 ? "" : ", ").append(m == null ? "class " + c : m.classes().get(c)).append(' ')
                    .append(Double.isNaN(r.classRecall()[c]) ? "-"
                            : String.format(java.util.Locale.ROOT, "%.2f", r.classRecall()[c]));
        }
        return b.toString();
    }

    private double f1(DeployedModel m) {
        return m == null ? Double.NaN : m.evaluate(shiftedHeldOut).map(c -> c.macroF1()).orElse(Double.NaN);
    }

    private static String name(DeployedModel m) {
        return m == null ? "-" : m.modelId() + " v" + m.version();
    }
}
