package io.edgedistill.processor.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AlertSource;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.TrafficFlow;

/**
 * Scores a batch of flows with one batched forward pass and returns the alerts: one per flow whose arg-max
 * class is not the benign class and whose probability is at least the threshold. The alert id is
 * deterministic (edge/flow/model@version), so a re-scored flow yields the same id. Stateless.
 */
public final class FlowScorer {
    private final double threshold;

    public FlowScorer(double threshold) {
        this.threshold = threshold;
    }

    public List<AttackAlert> score(LiveModel live, List<TrafficFlow> flows, long now) {
        int n = flows.size();
        List<AttackAlert> alerts = new ArrayList<>();
        if (n == 0) {
            return alerts;
        }
        int d = live.vectorizer().dim();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            live.vectorizer().vectorize(flows.get(i), x, i * d);
        }
        float[] p = live.forward().probabilities(x, n);
        int numC = live.classes().size();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < numC; c++) {
                if (p[i * numC + c] > p[i * numC + best]) {
                    best = c;
                }
            }
            float score = p[i * numC + best];
            if (best != live.benignIndex() && score >= threshold) {
                TrafficFlow f = flows.get(i);
                alerts.add(AttackAlert.newBuilder()
                        .setAlertId(f.getEdgeId() + "/" + f.getFlowId() + "/" + live.modelId() + "@" + live.version())
                        .setKind(AlertKind.NETWORK_ATTACK)
                        .setSource(AlertSource.PROCESSOR)
                        .setEdgeId(f.getEdgeId())
                        .setFlowId(f.getFlowId())
                        .setAttackClass(live.classes().get(best))
                        .setScore(score)
                        .setModelId(live.modelId())
                        .setModelVersion(live.version())
                        .setDetail("")
                        .setObservedAt(f.getObservedAt())
                        .setDetectedAt(Instant.ofEpochMilli(now))
                        .build());
            }
        }
        return alerts;
    }
}
