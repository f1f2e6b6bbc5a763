package io.edgedistill.processor.scoring;

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

    /** Who a scored row is: the edge, the flow and when it was observed. */
    public interface Identities {
        String edgeId(int row);

        String flowId(int row);

        long observedAtMillis(int row);
    }

    /** Vectorises the flows and scores them ({@link #score(LiveModel, float[], int, Identities, long)}). */
    public List<AttackAlert> score(LiveModel live, List<TrafficFlow> flows, long now) {
        int n = flows.size();
        int d = live.vectorizer().dim();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            live.vectorizer().vectorize(flows.get(i), x, i * d);
        }
        return score(live, x, n, new Identities() {
            @Override
            public String edgeId(int row) {
                return flows.get(row).getEdgeId();
            }

            @Override
            public String flowId(int row) {
                return flows.get(row).getFlowId();
            }

            @Override
            public long observedAtMillis(int row) {
                return flows.get(row).getObservedAt().toEpochMilli();
            }
        }, now);
    }

    /** Scores {@code n} input rows ({@code x}, row-major, the live model's width) in one forward pass. */
    public List<AttackAlert> score(LiveModel live, float[] x, int n, Identities ids, long now) {
        List<AttackAlert> alerts = new ArrayList<>();
        if (n == 0) {
            return alerts;
        }
        float[] p = live.forward().probabilities(x, n);
        int numC = live.classes().size();
        Instant detectedAt = Instant.ofEpochMilli(now);
        String model = live.modelId() + "@" + live.version();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < numC; c++) {
                if (p[i * numC + c] > p[i * numC + best]) {
                    best = c;
                }
            }
            float score = p[i * numC + best];
            if (best != live.benignIndex() && score >= threshold) {
                String edgeId = ids.edgeId(i);
                String flowId = ids.flowId(i);
                alerts.add(AttackAlert.newBuilder()
                        .setAlertId(edgeId + "/" + flowId + "/" + model)
                        .setKind(AlertKind.NETWORK_ATTACK)
                        .setSource(AlertSource.PROCESSOR)
                        .setEdgeId(edgeId)
                        .setFlowId(flowId)
                        .setAttackClass(live.classes().get(best))
                        .setScore(score)
                        .setModelId(live.modelId())
                        .setModelVersion(live.version())
                        .setDetail("")
                        .setObservedAt(Instant.ofEpochMilli(ids.observedAtMillis(i)))
                        .setDetectedAt(detectedAt)
                        .build());
            }
        }
        return alerts;
    }
}
