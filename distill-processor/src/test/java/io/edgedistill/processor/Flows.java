package io.edgedistill.processor;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.schemas.TrafficFlow;

/** Converts generated 5G-NIDD rows into TrafficFlow records the way an edge sends them. */
public final class Flows {
    private Flows() {
    }

    public static TrafficFlow fromRow(String edgeId, String flowId, String[] row) {
        List<String> cols = FiveGNiddSchema.ALL_COLUMNS;
        Map<String, Double> numeric = new HashMap<>();
        Map<String, String> categorical = new HashMap<>();
        String label = null;
        for (int j = 0; j < cols.size(); j++) {
            String name = cols.get(j);
            String cell = row[j];
            if (name.equals(FiveGNiddSchema.ATTACK_TYPE)) {
                label = cell;
                continue;
            }
            if (cell == null || cell.isBlank() || FiveGNiddSchema.NON_FEATURES.contains(name)) {
                continue;
            }
            if (FiveGNiddSchema.CATEGORICAL.contains(name)) {
                categorical.put(name, cell);
            } else {
                try {
                    numeric.put(name, Double.parseDouble(cell));
                } catch (NumberFormatException e) {
                    categorical.put(name, cell);
                }
            }
        }
        return TrafficFlow.newBuilder().setEdgeId(edgeId).setFlowId(flowId).setObservedAt(Instant.now())
                .setNumeric(numeric).setCategorical(categorical).setLabel(label).build();
    }
}
