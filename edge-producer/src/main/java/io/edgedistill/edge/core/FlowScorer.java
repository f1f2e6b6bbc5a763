package io.edgedistill.edge.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AlertSource;
import io.edgedistill.schemas.AttackAlert;

/**
 * Scores the flows the edge just sent with the live model and raises an {@link AttackAlert} for every flow
 * predicted as an attack with probability at or above {@code alertThreshold}. Detection at the edge does not wait
 * for the cloud; the rate limit ({@code maxAlertsPerSecond}) keeps a misbehaving model from flooding the alert
 * topic, and what it holds back is counted, not lost silently. Thread-safe.
 */
final class FlowScorer {
    private final EdgeSettings settings;
    private final ModelSlot slot;
    private final Supplier<LocalData> data;
    private final EdgeOutput out;
    private final AtomicLong alertsSent = new AtomicLong();
    private final AtomicLong alertsSuppressed = new AtomicLong();
    private final AtomicLong flowsScored = new AtomicLong();
    private final AtomicLong flowsUnscored = new AtomicLong();
    private final Map<String, AtomicLong> alertsByClass = new ConcurrentHashMap<>();
    private long alertSecond;
    private int alertsThisSecond;

    FlowScorer(EdgeSettings settings, ModelSlot slot, Supplier<LocalData> data, EdgeOutput out) {
        this.settings = settings;
        this.slot = slot;
        this.data = data;
        this.out = out;
    }

    /** Scores local rows in one batch; returns the alerts raised. Without a live model the rows count as unscored. */
    int score(int[] rows, String[] flowIds, Instant[] observedAt) {
        DeployedModel m = slot.live();
        if (m == null || rows.length == 0) {
            flowsUnscored.addAndGet(rows.length);
            return 0;
        }
        float[] p = m.model().predictProba(features(m, rows), rows.length);
        int c = m.classes().size();
        int raised = 0;
        int benign = FeatureSpec.benignIndex(m.classes(), m.spec().benignClass());
        Instant now = Instant.now();
        for (int i = 0; i < rows.length; i++) {
            int best = ClassProbabilities.argmax(p, i, c);
            String cls = m.classes().get(best);
            if (best == benign || p[i * c + best] < settings.alertThreshold()) {
                continue;
            }
            if (!allowAlert(now.getEpochSecond())) {
                alertsSuppressed.incrementAndGet();
                continue;
            }
            out.alert(alert(m, cls, p[i * c + best], flowIds == null ? null : flowIds[i],
                    observedAt == null ? now : observedAt[i], now));
            alertsByClass.computeIfAbsent(cls, k -> new AtomicLong()).incrementAndGet();
            alertsSent.incrementAndGet();
            raised++;
        }
        flowsScored.addAndGet(rows.length);
        return raised;
    }

    /** The rows under the model's preprocessing; row numbers wrap around the window (the streamer replays it). */
    private float[] features(DeployedModel m, int[] rows) {
        Dataset ds = data.get().preprocessed(m.specJson());
        int d = ds.dim();
        float[] x = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(ds.x(), (rows[i] % ds.size()) * d, x, i * d, d);
        }
        return x;
    }

    private AttackAlert alert(DeployedModel m, String cls, float score, String flowId, Instant observedAt, Instant now) {
        return AttackAlert.newBuilder()
                .setAlertId(UUID.randomUUID().toString())
                .setKind(AlertKind.NETWORK_ATTACK)
                .setSource(AlertSource.EDGE)
                .setEdgeId(settings.edgeId())
                .setFlowId(flowId)
                .setAttackClass(cls)
                .setScore(score)
                .setModelId(m.modelId())
                .setModelVersion(m.version())
                .setDetail("edge-local detection")
                .setObservedAt(observedAt)
                .setDetectedAt(now)
                .build();
    }

    private synchronized boolean allowAlert(long second) {
        if (second != alertSecond) {
            alertSecond = second;
            alertsThisSecond = 0;
        }
        if (alertsThisSecond >= settings.maxAlertsPerSecond()) {
            return false;
        }
        alertsThisSecond++;
        return true;
    }

    void countUnscored(long n) {
        flowsUnscored.addAndGet(n);
    }

    long alertsSent() {
        return alertsSent.get();
    }

    long alertsSuppressed() {
        return alertsSuppressed.get();
    }

    long flowsScored() {
        return flowsScored.get();
    }

    long flowsUnscored() {
        return flowsUnscored.get();
    }

    /** Alerts sent per attack class. */
    Map<String, Long> alertsByClass() {
        Map<String, Long> byClass = new LinkedHashMap<>();
        alertsByClass.forEach((k, v) -> byClass.put(k, v.get()));
        return byClass;
    }
}
