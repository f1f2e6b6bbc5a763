package io.edgedistill.edge.core;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.RawDataset;
import io.edgedistill.schemas.TrafficFlow;

/**
 * Turns local raw rows into {@link TrafficFlow} records: categorical columns (and cells that are not numbers)
 * into {@code categorical}, numeric cells (decimal, or hex such as Argus's {@code 0x...} fields) into
 * {@code numeric}; missing cells are left out. The per-row maps are built once and shared by every record
 * sent for that row (records only differ in flow id and time).
 */
public final class Flows {
    private final String edgeId;
    private final LocalData data;
    private final Map<String, Double>[] numeric;
    private final Map<String, String>[] categorical;

    @SuppressWarnings("unchecked")
    public Flows(String edgeId, LocalData data) {
        this.edgeId = edgeId;
        this.data = data;
        int n = data.size();
        this.numeric = new Map[n];
        this.categorical = new Map[n];
        RawDataset raw = data.raw();
        List<String> names = raw.columnNames();
        Set<String> cat = raw.categoricalHint();
        for (int i = 0; i < n; i++) {
            Map<String, Double> num = new HashMap<>();
            Map<String, String> cats = new HashMap<>();
            for (int j = 0; j < names.size(); j++) {
                String cell = raw.column(j)[i];
                if (cell == null || raw.isMissing(cell)) {
                    continue;
                }
                String name = names.get(j);
                if (cat.contains(name)) {
                    cats.put(name, cell);
                    continue;
                }
                double v = FeatureSpec.parseNumber(cell);
                if (Double.isFinite(v)) {
                    num.put(name, v);
                } else {
                    cats.put(name, cell);
                }
            }
            numeric[i] = Collections.unmodifiableMap(num);
            categorical[i] = Collections.unmodifiableMap(cats);
        }
    }

    public int size() {
        return numeric.length;
    }

    public String edgeId() {
        return edgeId;
    }

    /** Row i's record with an empty flow id at time 0 (what {@link FlowEncoder} caches the rest of). */
    TrafficFlow template(int row, boolean withLabel) {
        return new TrafficFlow(edgeId, "", Instant.EPOCH, numeric[row], categorical[row],
                withLabel ? data.className(row) : null);
    }

    /** The record of row i, with a flow id and observation time. */
    public TrafficFlow flow(int row, long sequence, Instant observedAt, boolean withLabel) {
        return new TrafficFlow(edgeId, edgeId + "-" + sequence, observedAt, numeric[row], categorical[row],
                withLabel ? data.className(row) : null);
    }
}
