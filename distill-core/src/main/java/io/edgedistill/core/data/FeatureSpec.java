package io.edgedistill.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fitted feature transform: for every raw input column, whether it is dropped (and why), one-hot encoded
 * (vocabulary; unknown or missing → all zeros) or numeric (missing → training median, optional log1p,
 * standardisation with the training mean/std, optional clipping, optional missing-indicator feature).
 *
 * <p>A plain value object that serialises to a compact JSON document ({@link #toJson()} /
 * {@link #fromJson(String)}), so it can travel inside a round spec: edges and cloud that hold the same spec
 * compute bit-identical features (all arithmetic is in double, in a fixed order, then rounded to float once).
 * Fit with {@link Preprocessor#fit(RawDataset)} on training rows only.
 */
public final class FeatureSpec {
    public static final int VERSION = 1;

    public enum ColumnKind { NUMERIC, CATEGORICAL, DROPPED }

    /** Per-input-column transform. */
    public static final class ColumnSpec {
        public final String name;
        public final ColumnKind kind;
        /** Why a column was dropped (leaky, constant, all-missing, ...); null otherwise. */
        public final String reason;
        public final boolean log1p;
        public final double median;
        public final double mean;
        public final double std;
        /** Emit an extra 0/1 feature "name#missing". */
        public final boolean missingIndicator;
        public final List<String> vocab;

        private ColumnSpec(String name, ColumnKind kind, String reason, boolean log1p, double median, double mean,
                           double std, boolean missingIndicator, List<String> vocab) {
            this.name = name;
            this.kind = kind;
            this.reason = reason;
            this.log1p = log1p;
            this.median = median;
            this.mean = mean;
            this.std = std;
            this.missingIndicator = missingIndicator;
            this.vocab = vocab == null ? List.of() : List.copyOf(vocab);
        }

        public static ColumnSpec dropped(String name, String reason) {
            return new ColumnSpec(name, ColumnKind.DROPPED, reason, false, 0, 0, 1, false, null);
        }

        public static ColumnSpec numeric(String name, boolean log1p, double median, double mean, double std,
                                         boolean missingIndicator) {
            return new ColumnSpec(name, ColumnKind.NUMERIC, null, log1p, median, mean, std, missingIndicator, null);
        }

        public static ColumnSpec categorical(String name, List<String> vocab) {
            return new ColumnSpec(name, ColumnKind.CATEGORICAL, null, false, 0, 0, 1, false, vocab);
        }

        int width() {
            return switch (kind) {
                case DROPPED -> 0;
                case CATEGORICAL -> vocab.size();
                case NUMERIC -> missingIndicator ? 2 : 1;
            };
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof ColumnSpec)) {
                return false;
            }
            ColumnSpec c = (ColumnSpec) o;
            return name.equals(c.name) && kind == c.kind && Objects.equals(reason, c.reason) && log1p == c.log1p
                    && Double.compare(median, c.median) == 0 && Double.compare(mean, c.mean) == 0
                    && Double.compare(std, c.std) == 0 && missingIndicator == c.missingIndicator
                    && vocab.equals(c.vocab);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, kind, reason, log1p, median, mean, std, missingIndicator, vocab);
        }
    }

    private final List<ColumnSpec> columns;
    private final List<String> classNames;
    private final double clip;
    private final List<String> missingTokens;
    private final List<String> featureNames;
    private final String benignClass;

    public FeatureSpec(List<ColumnSpec> columns, List<String> classNames, double clip, List<String> missingTokens) {
        this(columns, classNames, clip, missingTokens, null);
    }

    /**
     * @param benignClass the class that is not an attack (a data description's {@code benign}); null when the data
     *                    description names none, and {@link #benignIndex()} then recognises "benign" or "normal"
     */
    public FeatureSpec(List<ColumnSpec> columns, List<String> classNames, double clip, List<String> missingTokens,
                       String benignClass) {
        if (benignClass != null && !classNames.contains(benignClass)) {
            throw new IllegalArgumentException("benign class '" + benignClass + "' is not among " + classNames);
        }
        this.benignClass = benignClass;
        this.columns = List.copyOf(columns);
        this.classNames = List.copyOf(classNames);
        this.clip = clip;
        this.missingTokens = List.copyOf(missingTokens);
        List<String> names = new ArrayList<>();
        for (ColumnSpec c : this.columns) {
            switch (c.kind) {
                case NUMERIC -> {
                    names.add(c.name);
                    if (c.missingIndicator) {
                        names.add(c.name + "#missing");
                    }
                }
                case CATEGORICAL -> {
                    for (String v : c.vocab) {
                        names.add(c.name + "=" + v);
                    }
                }
                default -> {
                }
            }
        }
        this.featureNames = Collections.unmodifiableList(names);
    }

    /** The declared benign (no-attack) class; null when none was declared. */
    public String benignClass() {
        return benignClass;
    }

    /**
     * Index of the class that raises no alert: the declared {@link #benignClass()}, else a class named "benign" or
     * "normal" (any case); -1 when there is none.
     */
    public int benignIndex() {
        return benignIndex(classNames, benignClass);
    }

    /** {@link #benignIndex()} of a class list and an optional declared benign class. */
    public static int benignIndex(List<String> classNames, String declared) {
        if (declared != null) {
            return classNames.indexOf(declared);
        }
        for (int i = 0; i < classNames.size(); i++) {
            String c = classNames.get(i).toLowerCase(java.util.Locale.ROOT);
            if (c.equals("benign") || c.equals("normal")) {
                return i;
            }
        }
        return -1;
    }

    public List<ColumnSpec> columns() {
        return columns;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Output feature names (dimension = size). */
    public List<String> featureNames() {
        return featureNames;
    }

    public int dim() {
        return featureNames.size();
    }

    /** |z| is clipped to this value after standardisation (0 = no clipping). */
    public double clip() {
        return clip;
    }

    public List<String> missingTokens() {
        return missingTokens;
    }

    /** Input columns that are dropped, with the reason. */
    public Map<String, String> droppedColumns() {
        Map<String, String> m = new LinkedHashMap<>();
        for (ColumnSpec c : columns) {
            if (c.kind == ColumnKind.DROPPED) {
                m.put(c.name, c.reason);
            }
        }
        return m;
    }

    // ------------------------------------------------------------------------------------------------
    // transform

    /**
     * Transforms a raw data set (all input columns of the spec must be present; extra columns are ignored).
     * Labels are mapped by class name, so the raw set may list its classes in another order; a class the spec
     * does not know is an error.
     */
    public Dataset transform(RawDataset raw) {
        int n = raw.size();
        int d = dim();
        float[] x = new float[n * d];
        List<String> missingCols = new ArrayList<>();
        int off = 0;
        for (ColumnSpec c : columns) {
            if (c.kind == ColumnKind.DROPPED) {
                continue;
            }
            int j = raw.columnIndex(c.name);
            if (j < 0) {
                missingCols.add(c.name);
                continue;
            }
            String[] cells = raw.column(j);
            for (int i = 0; i < n; i++) {
                encode(c, cells[i], x, i * d + off);
            }
            off += c.width();
        }
        if (!missingCols.isEmpty()) {
            throw new IllegalArgumentException("input lacks columns required by the feature spec: " + missingCols);
        }
        int[] y = mapLabels(raw);
        return new Dataset(x, y, d, classNames, featureNames);
    }

    private int[] mapLabels(RawDataset raw) {
        int[] src = raw.labels();
        if (raw.classNames().equals(classNames)) {
            return src.clone();
        }
        Map<String, Integer> id = new HashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            id.put(classNames.get(c), c);
        }
        int[] map = new int[raw.numClasses()];
        for (int c = 0; c < map.length; c++) {
            Integer v = id.get(raw.classNames().get(c));
            map[c] = v == null ? -1 : v;
        }
        int[] y = new int[src.length];
        for (int i = 0; i < src.length; i++) {
            y[i] = map[src[i]];
            if (y[i] < 0) {
                throw new IllegalArgumentException("class '" + raw.classNames().get(src[i]) + "' not in spec " + classNames);
            }
        }
        return y;
    }

    /** Transforms one record given as column name → raw cell (e.g. a streamed flow record). */
    public float[] transformRecord(Map<String, String> record) {
        float[] out = new float[dim()];
        int off = 0;
        for (ColumnSpec c : columns) {
            if (c.kind == ColumnKind.DROPPED) {
                continue;
            }
            encode(c, record.get(c.name), out, off);
            off += c.width();
        }
        return out;
    }

    private boolean isMissing(String cell) {
        return cell == null || missingTokens.contains(cell.trim());
    }

    private void encode(ColumnSpec c, String cell, float[] out, int pos) {
        if (c.kind == ColumnKind.CATEGORICAL) {
            if (!isMissing(cell)) {
                int k = c.vocab.indexOf(cell.trim());
                if (k >= 0) {
                    out[pos + k] = 1f;
                }
            }
            return;
        }
        double v = parse(cell);
        boolean missing = Double.isNaN(v);
        if (missing) {
            v = c.median;
        }
        out[pos] = (float) scale(c, v, clip);
        if (c.missingIndicator) {
            out[pos + 1] = missing ? 1f : 0f;
        }
    }

    /** The numeric transform of a (non-missing) raw value: log1p (negatives clamped to 0), z-score, clip. */
    static double scale(ColumnSpec c, double v, double clip) {
        double t = c.log1p ? Math.log1p(Math.max(0.0, v)) : v;
        double z = (t - c.mean) / c.std;
        if (clip > 0) {
            z = Math.max(-clip, Math.min(clip, z));
        }
        return z;
    }

    /** Parses a numeric cell; NaN when missing or not a number. */
    double parse(String cell) {
        if (isMissing(cell)) {
            return Double.NaN;
        }
        return parseNumber(cell);
    }

    /** A CSV cell as a number (decimal or 0x-hex); NaN when it is not a finite number. */
    public static double parseNumber(String cell) {
        String s = cell.trim();
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                try {
                    return Long.parseLong(s.substring(2), 16);
                } catch (NumberFormatException e2) {
                    return Double.NaN;
                }
            }
            return Double.NaN;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // serialisation

    /**
     * The spec as a compact JSON document; its exact bytes are hashed (SHA-256) where specs travel, so the
     * format is fixed (see {@link FeatureSpecJson}).
     */
    public String toJson() {
        return FeatureSpecJson.write(this);
    }

    /** Parses {@link #toJson()}'s output; IllegalArgumentException when it is not a feature spec. */
    public static FeatureSpec fromJson(String json) {
        return FeatureSpecJson.read(json);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FeatureSpec)) {
            return false;
        }
        FeatureSpec f = (FeatureSpec) o;
        return columns.equals(f.columns) && classNames.equals(f.classNames) && Double.compare(clip, f.clip) == 0
                && Objects.equals(benignClass, f.benignClass)
                && missingTokens.equals(f.missingTokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(columns, classNames, clip, missingTokens, benignClass);
    }

    @Override
    public String toString() {
        return "FeatureSpec{dim=" + dim() + ", classes=" + classNames + ", dropped=" + droppedColumns() + "}";
    }
}
